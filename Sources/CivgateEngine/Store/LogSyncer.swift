import Dispatch
import Glibc
import Synchronization

/// Makes committed group transactions durable on a thread of its own, so the writer goes on to the next
/// transaction while the last one's log frames reach the disk.
///
/// The writer commits with `synchronous = NORMAL`: a commit writes its frames to the log without
/// syncing it (SQLite still syncs the log before each checkpoint and the database after). A caller is
/// answered only after an `fdatasync` of the log file that started after the commit it needs (its own,
/// unless the writer says earlier ones are enough: `GroupCommitter.Durability`), so a 202 survives a
/// power cut as with `synchronous = FULL`, where the writer itself waited for each sync (measured on
/// `civgate bench`: the writer sat idle for that wait, about a sixth of batch ingest's CPU). One sync
/// covers every transaction committed before it starts: while it runs, the next transactions' answers
/// gather for the next one.
///
/// A failed sync is final: Linux reports a write-back error once and may drop the pages it could not
/// write, so a later sync that succeeds says nothing about them (nor, the log's checksums being
/// chained, about any frame after them). From then on every write is refused and `failure` is set; the
/// store reports itself unavailable until the process is restarted and SQLite recovers the log from
/// what the disk holds.
final class LogSyncer: Sendable {
    /// Answers a write's caller: with nil once the write is durable, or with why it may not be.
    typealias Answer = @Sendable ((any Error)?) -> Void

    /// An answer, and the transaction that must be on disk before it is given.
    struct Waiting: Sendable {
        /// A transaction number (see `committed(_:answers:)`); 0 means none.
        let needs: Int
        let answer: Answer
    }

    private struct State {
        var waiting: [Waiting] = []
        /// The last transaction committed, and the last one a finished sync covers.
        var committed = 0
        var synced = 0
        var syncing = false
        var failure: SyncFailed?
    }

    private let logFile: Int32
    private let state = Mutex(State())
    private let thread = DispatchQueue(label: "civgate.log-sync")
    private let syncs = Atomic<Int>(0)

    /// Opens the log file at `logPath` (it exists while the store's connections are open).
    init(logPath: String) throws {
        logFile = open(logPath, O_RDONLY | O_CLOEXEC)
        guard logFile >= 0 else { throw SyncFailed(detail: "cannot open the log to sync it: errno \(errno)") }
        // What an earlier process committed and did not sync (it was killed) is in the page cache only:
        // on disk before anything here counts as synced (transaction 0).
        // No close here: every property is set, so `deinit` closes the file when this throws.
        if let failure = syncLog() {
            throw SyncFailed(detail: "cannot sync the log at open: \(failure.detail)")
        }
    }

    deinit { close(logFile) }

    /// How many syncs have finished, the one at open included (tests: every answer follows one that
    /// started after its commit).
    var completedSyncs: Int { syncs.load(ordering: .acquiring) }

    /// Why the log can no longer be trusted to be on disk, once a sync failed.
    var failure: SyncFailed? { state.withLock { $0.failure } }

    /// Call right after the writer commits `transaction` (numbered from 1 in commit order). Each answer is
    /// given once a sync that started after the commit of its `needs` transaction has finished (at once
    /// when one already has). The log is synced after every commit, whether or not anyone waits for it.
    func committed(_ transaction: Int, answers: [Waiting]) {
        let (ready, failure, start) = state.withLock { state -> ([Waiting], SyncFailed?, Bool) in
            if let failure = state.failure { return (answers, failure, false) }
            state.committed = transaction
            var ready: [Waiting] = []
            for waiting in answers {
                if waiting.needs <= state.synced { ready.append(waiting) } else { state.waiting.append(waiting) }
            }
            defer { state.syncing = true }
            return (ready, nil, !state.syncing)
        }
        for waiting in ready { waiting.answer(failure) }
        if start { thread.async { self.syncUntilDone() } }
    }

    private func syncUntilDone() {
        while true {
            let target = state.withLock { state -> Int? in
                guard state.failure == nil, state.committed > state.synced else {
                    state.syncing = false
                    return nil
                }
                return state.committed
            }
            guard let target else { return }
            let failure = syncLog()
            let answered = state.withLock { state in
                var answered: [Waiting] = []
                if let failure {
                    state.failure = state.failure ?? failure
                    swap(&answered, &state.waiting)
                } else {
                    state.synced = target
                    state.waiting.removeAll { waiting in
                        guard waiting.needs <= target else { return false }
                        answered.append(waiting)
                        return true
                    }
                }
                return answered
            }
            for waiting in answered { waiting.answer(failure) }
        }
    }

    /// One `fdatasync` of the log (retried when interrupted), counted once it has finished.
    private func syncLog() -> SyncFailed? {
        var result = fdatasync(logFile)
        while result != 0 && errno == EINTR { result = fdatasync(logFile) }
        let failure = result == 0 ? nil : SyncFailed(detail: "errno \(errno)")
        syncs.add(1, ordering: .releasing)
        return failure
    }

    /// The log could not be synced: the writes it holds are committed but may not survive a power cut.
    struct SyncFailed: Error, CustomStringConvertible, Sendable {
        let detail: String
        var description: String { "the store's log could not be synced to disk (\(detail))" }
    }
}
