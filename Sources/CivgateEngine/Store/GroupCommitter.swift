import GRDB

/// Runs many small writes in one transaction: one fsync for a batch instead of one per request.
///
/// Writes queue up while a transaction is being written; the next transaction takes them all. Each write
/// runs in its own savepoint, so one failing write does not undo the others, and each caller is
/// answered only after the commit that holds its write is on disk.
actor GroupCommitter {
    private struct Job: Sendable {
        /// Runs the write; returns the callback that answers the caller after commit.
        let run: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private let pool: DatabasePool
    private var queue: [Job] = []
    private var draining = false
    /// The most writes one transaction takes (keeps a transaction's latency bounded).
    private let maxBatch = 512

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` inside the next group transaction and returns its value once that is durable.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            queue.append(
                Job(
                    run: { db in
                        do {
                            let result = try Self.inSavepoint(db, work)
                            return { continuation.resume(returning: result) }
                        } catch {
                            return { continuation.resume(throwing: error) }
                        }
                    },
                    fail: { continuation.resume(throwing: $0) }))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    /// `work` in a savepoint of its own, with cached statements (`Database.inSavepoint` compiles its
    /// three statements on every call, and this runs for every write).
    private static func inSavepoint<T>(_ db: Database, _ work: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT job").execute()
        do {
            let value = try work(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            return value
        } catch {
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT job").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            throw error
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            do {
                let answers = try await pool.write { db in batch.map { $0.run(db) } }
                for answer in answers { answer() }
            } catch {
                for job in batch { job.fail(error) }
            }
        }
        draining = false
    }
}
