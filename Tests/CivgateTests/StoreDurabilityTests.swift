import Foundation
import GRDB
import Testing

@testable import CivgateEngine

/// A 202 means the record is on disk. The writer commits without syncing (`synchronous = NORMAL`, which
/// GRDB sets for a pool in WAL mode whatever was asked before: FULL went unnoticed that way), and the
/// store's `LogSyncer` syncs the log before any caller is answered.
@Suite("Store: durable commits")
struct StoreDurabilityTests {
    @Test("each write is answered only after a sync of the log that started after its commit")
    func everyAnswerFollowsASync() async throws {
        let store = try SQLiteStore(directory: TestPaths.temporaryDirectory().path)
        // NORMAL (1), not OFF (0): SQLite still syncs the log before a checkpoint and the database after, so
        // the log never starts again over frames that are on disk nowhere else.
        let level = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == 1)
        let before = store.syncer.completedSyncs
        for written in 1...20 {
            try await store.committer.write { db in
                try db.execute(
                    sql: "INSERT INTO audit_log (at, actor, action, target, reason) VALUES (1, 't', 'a', 'x', 'r')")
            }
            // Sequential writes: each commit comes after the previous answer, so each needs a sync of its own.
            #expect(store.syncer.completedSyncs - before >= written)
        }
    }

    @Test("a claim after another process's commit waits for a sync of its own, which covers that commit")
    func claimAfterAnotherProcessCommitWaitsForItsOwnSync() async throws {
        let directory = TestPaths.temporaryDirectory().path
        let server = try SQLiteStore(directory: directory)
        // Another process on the same store (`civgate backfill --direct`, an operator command): its own
        // connection and its own syncer, so the server's writer learns of its commits only through
        // `PRAGMA data_version`, and cannot know whether they are on disk yet.
        let other = try SQLiteStore(directory: directory)
        try await server.committer.write { db in try Self.appendAudit(db) }
        try await other.committer.write { db in try Self.appendAudit(db) }
        // A claim reads what it will send: here, the other process's row.
        let before = server.syncer.completedSyncs
        let seen = try await server.committer.write(priority: .backfillDelivery, durability: .earlierCommits) { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log")
        }
        #expect(seen == 2)
        // Without the other commit, this claim would need only the server's first write, already on disk,
        // and be answered before any sync of its own.
        #expect(server.syncer.completedSyncs > before)
    }

    private static func appendAudit(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO audit_log (at, actor, action, target, reason) VALUES (1, 't', 'a', 'x', 'r')")
    }
}
