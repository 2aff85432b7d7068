import Foundation

/// A few threads at background priority (`ThreadNice.background`) for bulk CPU work: batch lines are parsed,
/// normalised and validated here, so a backfill uses the cores live traffic leaves idle instead of
/// queueing thousands of intake tasks in the cooperative pool ahead of live requests and deliveries.
final class LowPriorityWorkers: @unchecked Sendable {
    /// One thread per core.
    static let shared = LowPriorityWorkers(threads: max(1, ProcessInfo.processInfo.activeProcessorCount))

    // `jobs` is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init(threads: Int, nice: Int32 = ThreadNice.background) {
        for index in 0..<threads {
            let thread = Thread { [self] in loop(nice: nice) }
            thread.name = "civgate.bulk-\(index)"
            thread.start()
        }
    }

    /// Runs `work` on one of the threads and returns its value.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(returning: work()) }
            condition.signal()
            condition.unlock()
        }
    }

    private func loop(nice: Int32) {
        ThreadNice.set(nice)
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
