import Foundation
import GRDB
import Testing

@testable import CivgateEngine

/// The versions of one registration go in order at each destination, found through the records table:
/// an earlier version's unfinished delivery holds a later version's, never the other way round, never a
/// delivery of the same record or of another registration, and its end releases what it held.
@Suite("Store: ordering between versions of a registration")
struct StoreVersionOrderingTests {
    /// (id, record, destination, state, order key).
    static let deliveries: [(String, String, String, String, String)] = [
        ("dlv_v1", "rec_v1", "population", "in_flight", "2026-01-05|000000000000001|rec_v1"),
        ("dlv_v1_sibling", "rec_v1", "population", "pending", "2026-01-05|000000000000001|rec_v1"),
        ("dlv_v2", "rec_v2", "population", "waiting", "2026-01-05|000000000000002|rec_v2"),
        ("dlv_v2_insurance", "rec_v2", "insurance", "pending", "2026-01-05|000000000000002|rec_v2"),
        // Another registration, registered earlier and unfinished: not the same person.
        ("dlv_other", "rec_other", "population", "pending", "2025-12-01|000000000000000|rec_other"),
    ]

    static func store() throws -> SQLiteStore {
        let store = try SQLiteStore(directory: TestPaths.temporaryDirectory().path)
        try store.pool.write { db in
            for (id, recordID, version) in [("rec_v1", "R-1", 1), ("rec_v2", "R-1", 2), ("rec_other", "R-2", 1)] {
                try db.execute(
                    sql: """
                        INSERT INTO records (id, source_system, source_record_id, source_version, event,
                          authority_code, authority_system, lane, document, warnings, received_at)
                        VALUES (?, 'test', ?, ?, 'birth', '00001', 'test', 'live', x'7B7D', x'5B5D', 1)
                        """,
                    arguments: [id, recordID, version])
            }
            for (id, record, destination, state, orderKey) in deliveries {
                try db.execute(
                    sql: """
                        INSERT INTO deliveries (id, record_id, destination, operation, step, lane, state,
                          next_attempt_at, outbound_key, order_key, budget_since, created_at, updated_at)
                        VALUES (?, ?, ?, 'op', 0, 'live', ?, 1, ?, ?, 1, 1, 1)
                        """,
                    arguments: [id, record, destination, state, "key-\(id)", orderKey])
            }
        }
        return store
    }

    @Test("an earlier version's delivery holds the later version's at its destination, and nothing else")
    func blockers() async throws {
        let store = try Self.store()
        let blockers = try await store.pool.read { db in
            try ["dlv_v1", "dlv_v1_sibling", "dlv_v2", "dlv_v2_insurance", "dlv_other"].map {
                try DeliveryOrdering.blocker(db, of: $0) ?? "none"
            }
        }
        #expect(blockers == ["none", "none", "dlv_v1", "none", "none"])
    }

    @Test("the earlier version's end releases the later version's waiting delivery")
    func release() async throws {
        let store = try Self.store()
        let (released, state) = try await store.pool.write { db in
            // Version 1 is done at population (its sibling too, or the sibling would still hold version 2).
            try db.execute(sql: "UPDATE deliveries SET state = 'discarded' WHERE record_id = 'rec_v1'")
            let released = try DeliveryOrdering.releaseWaiting(after: "dlv_v1", finished: .discarded, now: 2, db)
            return (released, try String.fetchOne(db, sql: "SELECT state FROM deliveries WHERE id = 'dlv_v2'"))
        }
        #expect(released == ["population"])
        #expect(state == "pending")
    }
}
