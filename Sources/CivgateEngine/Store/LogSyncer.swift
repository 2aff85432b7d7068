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
final class LogSyncer: Sendable {
    /// Answers a write's caller: with nil once the write is durable, or with why it may not be.
    typealias Answer = @Sendable ((any Error)?) -> Void

    private struct State {
        var waiting: [Answer] = []
        var syncing = false
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

    /// Answers `answers` after the next sync of the log; call after the commit that holds their writes.
    func answerWhenDurable(_ answers: [Answer]) {
        guard !answers.isEmpty else { return }
        let start = state.withLock { state in
            state.waiting += answers
            defer { state.syncing = true }
            return !state.syncing
        }
        if start { thread.async { self.syncUntilDone() } }
    }

    private func syncUntilDone() {
        while true {
            let answers = state.withLock { state in
                defer { state.waiting.removeAll(keepingCapacity: true) }
                if state.waiting.isEmpty { state.syncing = false }
                return state.waiting
            }
            guard !answers.isEmpty else { return }
            let failure: (any Error)? = fdatasync(logFile) == 0 ? nil : SyncFailed(detail: "errno \(errno)")
            syncs.add(1, ordering: .releasing)
            for answer in answers { answer(failure) }
        }
    }

    /// The log could not be synced: the writes it holds are committed but may not survive a power cut.
    struct SyncFailed: Error, CustomStringConvertible {
        let detail: String
        var description: String { "the store's log could not be synced to disk (\(detail))" }
    }
}
