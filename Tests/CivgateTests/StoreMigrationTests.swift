import Foundation
import GRDB
import Testing

@testable import CivgateEngine

/// A store written by the first schema opens under the current one with nothing lost: ordering keys,
/// operator listings by state (now on a partial index), and the release of leases at shutdown (now
/// found per destination on the due index).
@Suite("Store: migration to the leaner indexes")
struct StoreMigrationTests {
    /// Writes a first-schema store: one record of one person with four deliveries at `population`.
    static func firstSchemaStore() throws -> String {
        let directory = TestPaths.temporaryDirectory().path
        let queue = try DatabaseQueue(path: (directory as NSString).appendingPathComponent("civgate.sqlite"))
        try SQLiteSchema.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO records (id, source_system, source_record_id, source_version, event, authority_code,
                      authority_system, lane, document, warnings, received_at)
                    VALUES ('rec_1', 'test', 'R-1', 1, 'birth', '00001', 'test', 'live', x'7B7D', x'5B5D', 1)
                    """)
            // (id, state, lease owner, order key): an earlier dead event, two leases of this process,
            // one of another process.
            let deliveries: [(String, String, String?, String)] = [
                ("dlv_dead", "dead", nil, "2026-01-01|1"),
                ("dlv_mine_1", "in_flight", "worker-a", "2026-02-01|1"),
                ("dlv_mine_2", "in_flight", "worker-a", "2026-03-01|1"),
                ("dlv_other", "in_flight", "worker-b", "2026-04-01|1"),
            ]
            for (id, state, owner, orderKey) in deliveries {
                try db.execute(
                    sql: """
                        INSERT INTO deliveries (id, record_id, destination, operation, step, lane, state, attempts,
                          next_attempt_at, lease_owner, lease_expires_at, outbound_key, order_key, budget_since,
                          created_at, updated_at)
                        VALUES (?, 'rec_1', 'population', 'update-citizen', 1, 'live', ?, 1, 1, ?, 9, ?, ?, 1, 1, 1)
                        """,
                    arguments: [id, state, owner, "key-\(id)", orderKey])
                try db.execute(
                    sql:
                        "INSERT INTO delivery_persons (delivery_id, person_key, destination, order_key) VALUES (?, ?, ?, ?)",
                    arguments: [id, "pin:001200000001", "population", orderKey])
            }
        }
        return directory
    }

    @Test("ordering keys survive the migration: the earlier dead event still holds the later ones")
    func orderingSurvives() async throws {
        let store = try SQLiteStore(directory: try Self.firstSchemaStore())
        let (persons, blocker) = try await store.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery_persons") ?? 0,
                try DeliveryOrdering.blocker(db, of: "dlv_mine_2")
            )
        }
        #expect(persons == 4)
        #expect(blocker == "dlv_dead")
    }

    @Test("listing and counting by an operator's states find the same deliveries as before")
    func listingByState() async throws {
        let store = try SQLiteStore(directory: try Self.firstSchemaStore())
        var dead = DeliveryFilter()
        dead.states = [.dead]
        #expect(try await store.listDeliveries(dead).map(\.id) == ["dlv_dead"])
        #expect(try await store.countDeliveries(dead) == 1)
        // States outside the partial index are still found (without it).
        var inFlight = DeliveryFilter()
        inFlight.states = [.inFlight, .dead]
        #expect(try await store.countDeliveries(inFlight) == 4)
        #expect(Set(try await store.listDeliveries(inFlight).map(\.id)).count == 4)
    }

    @Test("releasing a worker's leases at shutdown puts back only its deliveries")
    func releaseLeases() async throws {
        let store = try SQLiteStore(directory: try Self.firstSchemaStore())
        #expect(try await store.releaseLeases(owner: "worker-a", now: 5) == 2)
        let states = try await store.pool.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, state, lease_owner FROM deliveries").map {
                    ($0["id"] as String, "\($0["state"] as String)/\($0["lease_owner"] as String? ?? "-")")
                })
        }
        // Their one attempt never finished: it does not count, so they start again as pending.
        #expect(states["dlv_mine_1"] == "pending/-")
        #expect(states["dlv_mine_2"] == "pending/-")
        #expect(states["dlv_other"] == "in_flight/worker-b")
        #expect(states["dlv_dead"] == "dead/-")
    }
}
