import Foundation
import GRDB
import Testing

@testable import CivgateEngine

/// The ordering lookups that claims and completions run for every delivery go from the delivery to its
/// registration's versions and their deliveries, by key. Left to choose, SQLite once read every delivery
/// of the destination for each of them: the tests' small stores did not notice, the bench's backlog
/// stalled. SQLite plans without statistics here (the store never runs ANALYZE), so the plan on an
/// empty store is the plan on a full one.
@Suite("Store: query plans of the ordering lookups")
struct StoreQueryPlanTests {
    /// The detail of each step of the plan of `sql`.
    static func plan(_ sql: String) async throws -> [String] {
        let store = try SQLiteStore(directory: TestPaths.temporaryDirectory().path)
        return try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: ["dlv_x"]).map { $0["detail"] }
        }
    }

    @Test(
        "an earlier version's blocker and a finished version's waiting successors are found by key",
        arguments: [
            ("blocker", DeliveryOrdering.versionBlockerSQL, "other"),
            ("release", DeliveryOrdering.laterVersionsSQL, "later"),
        ])
    func versionLookups(name: String, sql: String, alias: String) async throws {
        let steps = try await Self.plan(sql)
        #expect(!steps.contains { $0.hasPrefix("SCAN") }, "\(name): \(steps)")
        #expect(
            steps.contains { $0.contains("records_2 (source_system=? AND source_record_id=?)") },
            "\(name): the versions by the records' unique index: \(steps)")
        #expect(
            steps.contains("SEARCH \(alias) USING INDEX deliveries_record (record_id=?)"),
            "\(name): their deliveries by record, not every delivery of the destination: \(steps)")
    }
}
