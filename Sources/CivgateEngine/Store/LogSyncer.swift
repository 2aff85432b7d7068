import Dispatch
import Glibc
import Synchronization

/// Makes committed group transactions durable on a thread of its own, so the writer goes on to the next
/// transaction while the last one's log frames reach the disk.
///
/// The writer commits with `synchronous = NORMAL`: a commit writes its frames to the log without
/// syncing it (SQLite still syncs the log before each checkpoint and the database after). Every caller
/// is answered only after an `fdatasync` of the log file that started after its commit, so a 202
/// survives a power cut as with `synchronous = FULL`, where the writer itself waited for each sync
/// (measured on `civgate bench`: the writer sat idle for that wait, about a sixth of batch ingest's
/// CPU). One sync covers every transaction committed before it starts: while it runs, the next
/// transactions' answers gather for the next one.
///
/// A failed sync is final: Linux reports a write-back error once and may drop the pages it could not
/// write, so a later sync that succeeds says nothing about them (nor, the log's checksums being
/// chained, about any frame after them). From then on every write is refused and `failure` is set; the
/// store reports itself unavailable until the process is restarted and SQLite recovers the log from
/// what the disk holds.
final class LogSyncer: Sendable {
    /// Answers a write's caller: with nil once the write is durable, or with why it may not be.
    typealias Answer = @Sendable ((any Error)?) -> Void

    private struct State {
        var waiting: [Answer] = []
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
    }

    deinit { close(logFile) }

    /// How many syncs have finished (tests: every answer follows one that started after its commit).
    var completedSyncs: Int { syncs.load(ordering: .acquiring) }

    /// Why the log can no longer be trusted to be on disk, once a sync failed.
    var failure: SyncFailed? { state.withLock { $0.failure } }

    /// Answers `answers` after the next sync of the log; call after the commit that holds their writes.
    func answerWhenDurable(_ answers: [Answer]) {
        guard !answers.isEmpty else { return }
        let (start, failure) = state.withLock { state -> (Bool, SyncFailed?) in
            if let failure = state.failure { return (false, failure) }
            state.waiting += answers
            defer { state.syncing = true }
            return (!state.syncing, nil)
        }
        if let failure {
            for answer in answers { answer(failure) }
        } else if start {
            thread.async { self.syncUntilDone() }
        }
    }

    private func syncUntilDone() {
        while true {
            let answers = state.withLock { state in
                defer { state.waiting.removeAll(keepingCapacity: true) }
                if state.waiting.isEmpty { state.syncing = false }
                return state.waiting
            }
            guard !answers.isEmpty else { return }
            var result = fdatasync(logFile)
            while result != 0 && errno == EINTR { result = fdatasync(logFile) }
            let failure = result == 0 ? nil : SyncFailed(detail: "errno \(errno)")
            if let failure { state.withLock { $0.failure = $0.failure ?? failure } }
            syncs.add(1, ordering: .releasing)
            for answer in answers { answer(failure) }
        }
    }

    /// The log could not be synced: the writes it holds are committed but may not survive a power cut.
    struct SyncFailed: Error, CustomStringConvertible, Sendable {
        let detail: String
        var description: String { "the store's log could not be synced to disk (\(detail))" }
    }
}
