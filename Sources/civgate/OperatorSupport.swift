import ArgumentParser
import Foundation
import Synchronization

/// Asks before a bulk action; scripts pass `--yes`.
enum OperatorConfirmation {
    static func ask(_ question: String, count: Int, yes: Bool, alternatives: String = "") throws {
        guard count > 1, !yes else { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CommandFailure.usage(
                "\(count) deliveries would change: add --yes to confirm"
                    + (alternatives.isEmpty ? "" : " \(alternatives)"))
        }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        guard let answer = readLine()?.lowercased(), answer == "y" || answer == "yes" else {
            throw CommandFailure.usage("not confirmed; nothing changed")
        }
    }
}

/// Set by SIGINT so a bulk command stops between batches instead of in the middle of one.
final class InterruptFlag: @unchecked Sendable {
    // @unchecked: the dispatch source is created once and only kept alive here; the flag is atomic.
    private let flag = Atomic<Bool>(false)
    private let source: any DispatchSourceSignal

    /// `notice` is printed on stderr at the first interrupt, once the flag is set.
    init(notice: String? = nil) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT)
        source.setEventHandler { [weak self] in
            guard let self, !self.flag.exchange(true, ordering: .relaxed) else { return }
            if let notice { Output.error(notice) }
        }
        source.resume()
    }

    var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// A progress bar on stderr with rate and ETA; a line per update when stderr is not a terminal.
final class ProgressBar: @unchecked Sendable {
    // @unchecked: used from one task only.
    private let total: Int
    private let label: String
    private let started = ContinuousClock.now
    private let terminal = isatty(STDERR_FILENO) == 1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let remaining = rate > 0 ? Int(Double(total - done) / rate) : 0
        let width = 30
        let filled = total > 0 ? min(width, width * done / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let text = "\(label) \(done)/\(total) [\(bar)] \(Int(rate))/s ETA \(remaining)s"
        FileHandle.standardError.write(Data((terminal ? "\r" + text : text + "\n").utf8))
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
