import Foundation

/// The backfill's progress on stderr: a bar with rate and ETA when the total is known (a file), a line
/// count with the rate when it is not (standard input). At most one update every five seconds when stderr is
/// not a terminal, five a second when it is.
final class BackfillProgress {
    // Used from one task only.
    private let bar: ProgressBar?
    private let started = ContinuousClock.now
    private var lastShown: ContinuousClock.Instant?
    private let interval: Duration = isatty(STDERR_FILENO) == 1 ? .milliseconds(200) : .seconds(5)
    private let quiet: Bool

    /// - Parameter total: physical lines to read in this run, when known.
    init(total: Int?, quiet: Bool) {
        self.quiet = quiet
        bar = total.map { ProgressBar(total: $0, label: "backfill lines") }
    }

    func update(_ done: Int, force: Bool = false) {
        guard !quiet else { return }
        let now = ContinuousClock.now
        if !force, let lastShown, now - lastShown < interval { return }
        lastShown = now
        if let bar { return bar.update(done) }
        let seconds = Self.seconds(now - started)
        let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
        let text = "backfill lines \(done) (total unknown: standard input) \(rate)/s"
        FileHandle.standardError.write(Data((isatty(STDERR_FILENO) == 1 ? "\r" + text : text + "\n").utf8))
    }

    func finish(_ done: Int) {
        guard !quiet else { return }
        update(done, force: true)
        if let bar {
            bar.finish()
        } else if isatty(STDERR_FILENO) == 1 {
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }

    /// Seconds since the start.
    var elapsed: Double { Self.seconds(ContinuousClock.now - started) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
