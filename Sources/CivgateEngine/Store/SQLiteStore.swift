import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode whose log is synced after every group commit, so a
/// commit is on disk before anyone is told it happened. Zero set-up.
public final class SQLiteStore: GatewayStore {
    let pool: DatabasePool
    let committer: GroupCommitter
    let checkpointer: WALCheckpointer
    let syncer: LogSyncer
    /// The file's path.
    public let path: String
    /// A warning, when the log file could not be written out to its working size (`preallocateLog`): the
    /// store works, and its first commits grow the file.
    public let logPreallocationProblem: String?

    /// Opens (and creates or migrates) `civgate.sqlite` in `directory`. The log starts again from its
    /// beginning once it holds about `logRestartPages` pages (4 KiB each). `preallocateLog`, for a
    /// process that writes a lot (the server, a direct backfill): the log file is first written out to
    /// that size (about 165 MB by default, 0.2 s here), so that commits do not grow it.
    public convenience init(
        directory: String, busyTimeout: Duration = .seconds(5), logRestartPages: Int = 32_000,
        preallocateLog: Bool = false
    ) throws {
        try self.init(
            directory: directory, busyTimeout: busyTimeout, logRestartPages: logRestartPages,
            preallocateLog: preallocateLog, checkpointInterval: WALCheckpointer.defaultInterval)
    }

    /// `checkpointInterval`: see `WALCheckpointer`; `nil` for tests that run its passes themselves.
    init(
        directory: String, busyTimeout: Duration, logRestartPages: Int, preallocateLog: Bool,
        checkpointInterval: DispatchTimeInterval?
    ) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("civgate.sqlite")
        var configuration = Configuration()
        let (seconds, attoseconds) = busyTimeout.components
        configuration.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
        configuration.maximumReaderCount = 8
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(pool)
            try pool.writeWithoutTransaction { db in
                // NORMAL: a commit does not sync the log; `LogSyncer` does, beside the writer, before anyone
                // is told (a 202 survives a power cut, not just a crash). GRDB sets NORMAL for a pool in WAL
                // mode too, after any `prepareDatabase`: FULL, set there until 2026-11-22, had no effect.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // The writer's page cache holds a whole group transaction (8 MB; the default 2 MB made SQLite
                // spill pages to the WAL mid-transaction).
                try db.execute(sql: "PRAGMA cache_size = -8192")
                // The `WALCheckpointer` copies the log beside the writer and has the writer start it again
                // every `logRestartPages` pages, or at 1.5 times that when its passes fall behind. SQLite's own
                // checkpoint in the writer's commits is only a backstop, at twice that, for a checkpointer
                // that got too little time: it stalls the commit it runs in for 30-70 ms (bench).
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(logRestartPages * 2)")
                // Statement and savepoint journals stay in memory, not in temporary files.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            }
            logPreallocationProblem =
                preallocateLog ? try Self.preallocateLog(pool, path: path, logRestartPages: logRestartPages) : nil
            checkpointer = try WALCheckpointer(
                path: path, restartPages: logRestartPages, interval: checkpointInterval)
            syncer = try LogSyncer(logPath: path + "-wal")
        } catch {
            throw StoreUnavailable(description: "cannot open the store at \(path): \(Self.describe(error))")
        }
        committer = GroupCommitter(pool: pool, checkpointer: checkpointer, syncer: syncer)
    }

    public func ping() async throws {
        if let failure = syncer.failure {
            throw StoreUnavailable(description: failure.description + "; restart civgate")
        }
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func storedResponse(forKey key: String, now: Int64) async throws -> StoredResponse? {
        try await pool.read { db in try Self.storedResponse(db, key: key, now: now) }
    }

    public func recordView(id: String) async throws -> RecordView? {
        try await pool.read { db in try StoreQueries.recordView(db, id: id) }
    }

    public func deliveryView(id: String) async throws -> DeliveryView? {
        try await pool.read { db in try StoreQueries.deliveryView(db, id: id) }
    }

    @discardableResult
    public func purgeExpiredKeys(now: Int64) async throws -> Int {
        try await writing { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE expires_at <= ?", arguments: [now])
            return db.changesCount
        }
    }

    /// Runs a write through the group committer, turning lock time-outs and full disks into
    /// `StoreUnavailable`. Backfill writes yield to live ones (see `GroupCommitter`). `work` may run more
    /// than once (`GroupCommitter.Isolation`): it must do database work only.
    func writing<T: Sendable>(
        lane: Lane = .live, durability: GroupCommitter.Durability = .ownCommit,
        _ work: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await writing(priority: lane == .live ? .live : .backfillDelivery, durability: durability, work)
    }

    /// Runs a write through the group committer at `priority`.
    func writing<T: Sendable>(
        priority: GroupCommitter.Priority, durability: GroupCommitter.Durability = .ownCommit,
        _ work: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await committer.write(priority: priority, durability: durability, work)
        } catch let error as DatabaseError where Self.isUnavailable(error) {
            throw StoreUnavailable(description: Self.describe(error))
        } catch let failure as LogSyncer.SyncFailed {
            throw StoreUnavailable(description: failure.description + "; restart civgate")
        }
    }

    static func storedResponse(_ db: Database, key: String, now: Int64) throws -> StoredResponse? {
        var query = try StatementRun(
            db,
            sql: """
                SELECT status, response, fingerprint, record_id FROM idempotency_keys
                WHERE key = ? AND expires_at > ?
                """)
        query.text(key)
        query.integer(now)
        return try query.first(db) { row in
            StoredResponse(
                status: Int(row.integer(0)), body: row.blob(1) ?? Data(), fingerprint: row.text(2) ?? "",
                recordID: row.text(3) ?? "")
        }
    }

    static func isUnavailable(_ error: DatabaseError) -> Bool {
        [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN]
            .contains(error.resultCode)
    }

    /// A description of a database error that never includes SQL arguments (they may be personal data).
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")"
        }
        return "\(type(of: error))"
    }
}
