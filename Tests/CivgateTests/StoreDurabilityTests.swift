import Foundation
import GRDB
import Testing

@testable import CivgateEngine

/// A 202 means the record is on disk: the connection that commits syncs the log at every commit
/// (`synchronous = FULL`, 2). GRDB puts a new pool's writer on NORMAL (1), which syncs only at
/// checkpoints; that went unnoticed while the setting sat where GRDB overrides it.
@Suite("Store: durable commits")
struct StoreDurabilityTests {
    @Test("the writer commits with synchronous = FULL, on a new store and on one opened again")
    func writerSyncsEveryCommit() async throws {
        let directory = TestPaths.temporaryDirectory().path
        for _ in 0..<2 {
            let store = try SQLiteStore(directory: directory)
            let level = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(level == 2)
        }
    }
}
