import Dispatch
import GRDB

/// Copies the write-ahead log back into the database file from a connection and a thread of its own.
///
/// SQLite's automatic checkpoint runs inside a commit on the writer's thread: measured on the batch
/// phase of `civgate bench`, it was about half of each group commit's cost. A passive checkpoint takes
/// no write lock, so it runs beside the writer; it syncs the log before copying and the database file
/// after (`synchronous = FULL`), as the automatic one does. It cannot restart the log while the writer
/// keeps appending: the writer's own (now cheap) automatic checkpoint does that.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "civgate.wal-checkpoint")
    private let interval: DispatchTimeInterval

    init(path: String, interval: DispatchTimeInterval = .milliseconds(50)) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
        schedule()
    }

    private func schedule() {
        queue.asyncAfter(deadline: .now() + interval) { [weak self] in
            // Ends with the store: nothing holds the checkpointer but its store.
            guard let self else { return }
            // Busy (another checkpoint, or a reader pinning the log) only means: next time.
            _ = try? self.connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            self.schedule()
        }
    }
}
