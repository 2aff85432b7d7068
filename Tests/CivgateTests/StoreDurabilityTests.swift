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
}
