import Foundation
import NIOCore
import NIOPosix

/// Event loop threads at background priority (`ThreadNice.background`) that run both the backfill
/// lane's HTTP connections and, as a `TaskExecutor`, its Swift tasks. On a machine whose cores are all
/// busy, live deliveries (on nice-0 threads) then get the CPU first, and the backfill runs in what is
/// left; on an idle machine the backfill is as fast as before.
///
/// One group for both, so that a reply read on a loop resumes the waiting task on that same loop.
final class BackgroundExecutor: TaskExecutor, Sendable {
    /// One thread per core, for the whole process.
    static let shared = BackgroundExecutor(threads: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// The event loops, for an HTTP client whose connections should run at background priority.
    let group: any EventLoopGroup

    private init(threads: Int) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        // Each loop lowers its own thread's priority before it runs anything else.
        for loop in group.makeIterator() {
            try? loop.submit { ThreadNice.set(ThreadNice.background) }.wait()
        }
        self.group = group
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // `any()`: the current loop when called from one of ours, so a task stays on its thread.
        group.any().execute { job.runSynchronously(on: executor) }
    }
}
