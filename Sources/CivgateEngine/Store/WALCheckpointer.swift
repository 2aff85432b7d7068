import Dispatch
import GRDB
import Glibc
import Synchronization

/// Copies the write-ahead log back into the database file from a connection and a thread of its own,
/// and prepares the moment when the writer starts the log again from its beginning.
///
/// SQLite's automatic checkpoint runs inside a commit on the writer's thread: measured on the batch
/// phase of `civgate bench`, it was about half of each group commit's cost. A passive checkpoint takes
/// no write lock, so it runs beside the writer; it syncs the log before copying and the database file
/// after (`synchronous = FULL`), as the automatic one does.
///
/// Such a checkpoint never reaches the end of a log that a busy writer keeps appending to, so the log
/// would grow without bound: only a checkpoint the writer runs between two transactions copies the last
/// frames, and the writer's next transaction then starts the log again. That checkpoint stalls every
/// write, so it should find almost nothing left to copy. Once the log holds `restartPages` pages, this
/// checkpointer runs its passes back to back until one copies fewer than `handoverPages`, then hands
/// over: the writer's next call to `restartLogIfDue(on:)` copies the rest and syncs (about 10 ms in the
/// bench), instead of the 30-70 ms the writer's automatic checkpoint took, most of it syncing everything
/// the passes had copied since the last restart (each pass now syncs its own copy).
///
/// A writer that appends faster than the passes copy (bulk load; a loaded machine) would keep every pass
/// above `handoverPages`, so at one and a half times `restartPages` the checkpointer hands over anyway:
/// the writer's checkpoint then copies more, once. The store's automatic checkpoint, at twice
/// `restartPages`, bounds the log when this checkpointer gets no time at all.
final class WALCheckpointer: Sendable {
    /// Whose turn it is to checkpoint.
    private enum Turn: Int {
        /// Passes beside the writer.
        case checkpointer
        /// The log is nearly copied: the writer's next checkpoint finishes it.
        case writerDue
        /// The writer is checkpointing; passes wait.
        case writer
    }

    private let connection: DatabaseQueue
    /// The database file, opened by this checkpointer to sync what its passes copied.
    private let databaseFile: Int32
    private let queue = DispatchQueue(label: "civgate.wal-checkpoint")
    private let interval: DispatchTimeInterval
    private let restartPages: Int
    private let handoverPages: Int
    /// The log size at which the checkpointer hands over however much the last pass copied.
    private let forcedHandoverPages: Int
    private let turn = Atomic<Int>(Turn.checkpointer.rawValue)
    /// How many of the log's pages had been copied after the last pass.
    private let lastCopiedPages = Atomic<Int>(0)
    /// How many pages the log held at the last pass.
    private let lastLogPages = Atomic<Int>(0)

    /// The time between passes: 250 ms apart, a pass copies a page that several transactions changed
    /// once, not once per 50 ms (storage baseline and batch ingest about 10 % faster, `civgate bench`,
    /// Benchmarks/README).
    static let defaultInterval = DispatchTimeInterval.milliseconds(250)

    /// `interval` is the time between passes below `restartPages`, and while the writer has the turn; `nil`
    /// runs no pass but those asked for with `pass()` (tests that step through a hand-over).
    init(
        path: String, restartPages: Int, handoverPages: Int = 512, interval: DispatchTimeInterval? = defaultInterval
    ) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        databaseFile = open(path, O_RDONLY | O_CLOEXEC)
        self.interval = interval ?? Self.defaultInterval
        self.restartPages = restartPages
        self.handoverPages = handoverPages
        forcedHandoverPages = restartPages + restartPages / 2
        if let interval { schedule(after: interval) }
    }

    deinit {
        if databaseFile >= 0 { close(databaseFile) }
    }

    /// Called by the writer between transactions: when the log is due to start again, copies its last
    /// frames on the writer's connection, so that the next transaction starts it from its beginning.
    func restartLogIfDue(on writer: DatabasePool) {
        guard
            turn.compareExchange(
                expected: Turn.writerDue.rawValue, desired: Turn.writer.rawValue, ordering: .acquiringAndReleasing
            ).exchanged
        else { return }
        // A reader still on an older snapshot makes it fall short; the next hand-over tries again.
        _ = try? writer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        turn.store(Turn.checkpointer.rawValue, ordering: .releasing)
    }

    private func schedule(after delay: DispatchTimeInterval) {
        queue.asyncAfter(deadline: .now() + delay) { [weak self] in
            // Ends with the store: nothing holds the checkpointer but its store.
            guard let self else { return }
            self.schedule(after: self.pass())
        }
    }

    /// Whether the writer's next `restartLogIfDue(on:)` copies the log's last frames.
    var writerIsDue: Bool { turn.load(ordering: .acquiring) == Turn.writerDue.rawValue }

    /// One passive checkpoint, unless the writer has the turn; returns when the next pass should run.
    @discardableResult
    func pass() -> DispatchTimeInterval {
        guard turn.load(ordering: .acquiring) == Turn.checkpointer.rawValue else { return interval }
        // Busy (a reader pinning the log, the writer's checkpoint) only means: next time.
        guard let (logPages, copiedPages) = try? connection.writeWithoutTransaction({ try $0.checkpoint(.passive) })
        else { return interval }
        let previous = lastCopiedPages.exchange(copiedPages, ordering: .relaxed)
        // The log starts again after a restart, and so does the count: a shorter log, or fewer copied pages,
        // means the pages copied now are all this pass's.
        let restarted = logPages < lastLogPages.exchange(logPages, ordering: .relaxed) || copiedPages < previous
        let copiedNow = restarted ? copiedPages : copiedPages - previous
        // SQLite syncs the database file only after a checkpoint that reached the log's end, which beside a
        // busy writer means only the writer's: that sync then wrote out everything the passes had copied
        // since the last restart (60 ms for 32,000 pages). Synced here, the writer's sync has little left.
        if copiedNow > 0, databaseFile >= 0 { _ = fdatasync(databaseFile) }
        guard logPages >= restartPages else { return interval }
        // Each pass copies what the writer appended during the one before: once that is little, the writer
        // copies the rest; a log the passes do not catch up with goes to the writer all the same.
        if copiedNow <= handoverPages || logPages >= forcedHandoverPages {
            turn.store(Turn.writerDue.rawValue, ordering: .releasing)
            return interval
        }
        return .milliseconds(1)
    }
}
