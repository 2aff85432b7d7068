import Foundation
import Synchronization

/// A few threads at background priority (`ThreadNice.background`) for bulk CPU work: batch lines are parsed,
/// normalised and validated here, so a backfill uses the cores live traffic leaves idle instead of
/// queueing thousands of intake tasks in the cooperative pool ahead of live requests and deliveries.
///
/// The backfill's budget: one thread per core while no live record arrives, half of them (rounded
/// down, at least one) for a second after one does (`liveArrived()`). Nice 10 alone still let the
/// intake take both cores beside live work, whose deliveries then waited for the CPU at every hop.
/// Measured with `civgate bench --only latency` (eight alternating runs each): live p99 during a
/// backfill with a median of 9 ms instead of 11, the backfill's ingest 4 % slower; batch ingest alone
/// ran as fast on one thread as on two.
final class LowPriorityWorkers: @unchecked Sendable {
    /// One thread per core.
    static let shared = LowPriorityWorkers(threads: max(1, ProcessInfo.processInfo.activeProcessorCount))

    // `jobs` is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    /// Called each time a thread finds work queued and pauses beside live records (tests).
    private let onPause: (@Sendable () -> Void)?
    /// Threads numbered from this one up pause while live records arrive.
    private let threadsBesideLive: Int
    /// How long after a live record the smaller budget holds, in nanoseconds.
    private let liveWindow: Int
    /// When the last live record arrived, in nanoseconds since `origin`; `Int.min` for never.
    private let lastLive = Atomic<Int>(Int.min)
    private let origin = ContinuousClock.now

    /// `liveWindow`: how long after a live record the smaller budget holds; `onPause`: called each time a
    /// thread finds work queued and pauses (tests set both).
    init(
        threads: Int, liveWindow: Duration = .seconds(1), nice: Int32 = ThreadNice.background,
        onPause: (@Sendable () -> Void)? = nil
    ) {
        threadsBesideLive = max(1, threads / 2)
        self.onPause = onPause
        self.liveWindow = Self.nanoseconds(liveWindow)
        for index in 0..<threads {
            let thread = Thread { [self] in loop(index: index, nice: nice) }
            thread.name = "civgate.bulk-\(index)"
            thread.start()
        }
    }

    /// Tells the workers that a live record arrived: for `liveWindow`, only part of them take work.
    func liveArrived() {
        lastLive.store(Self.nanoseconds(ContinuousClock.now - origin), ordering: .relaxed)
    }

    /// Ends the live window now, without waking anyone: paused threads find out when they look again
    /// (tests of that look).
    func endLiveWindow() {
        lastLive.store(Int.min, ordering: .relaxed)
    }

    /// When the last live record arrived, if one has.
    var lastLiveArrival: ContinuousClock.Instant? {
        let last = lastLive.load(ordering: .relaxed)
        return last == Int.min ? nil : origin + .nanoseconds(last)
    }

    /// Whether a live record arrived within `liveWindow`.
    var liveIsActive: Bool {
        let last = lastLive.load(ordering: .relaxed)
        return last != Int.min && Self.nanoseconds(ContinuousClock.now - origin) - last < liveWindow
    }

    /// Runs `work` on one of the threads and returns its value.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(returning: work()) }
            // Every thread: the one woken might be paused beside live work.
            condition.broadcast()
            condition.unlock()
        }
    }

    private func loop(index: Int, nice: Int32) {
        ThreadNice.set(nice)
        let pausesBesideLive = index >= threadsBesideLive
        while true {
            condition.lock()
            while jobs.isEmpty || (pausesBesideLive && liveIsActive) {
                if jobs.isEmpty {
                    condition.wait()
                } else {
                    // Paused: look again when the live window may have ended.
                    onPause?()
                    _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
                }
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
    }
}
