import CivgateEngine
import Foundation
import Logging
import Testing

/// The 202 body is built inside the ingest transaction from what was just written, with a hand-made JSON
/// writer (reading the record back and running `JSONEncoder` was a tenth of the writer's time). It must
/// stay exactly what a read of the stored record, encoded by `JSONEncoder`, gives.
@Suite("Ingest response body")
struct IngestResponseBodyTests {
    static func encoded(_ view: RecordView) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(view)
    }

    @Test("every 202 body equals the stored record read back and encoded by JSONEncoder")
    func bodyMatchesStoredView() async throws {
        // All event types, old-book records with missing fields (warnings), and a twin pair.
        var bodies = try RecordGenerator.lines(count: 120, seed: 41, mix: "all")
        bodies += try RecordGenerator.lines(count: 40, seed: 42, mix: "historical")
        bodies.append(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("valid/twin-a.json")))
        bodies.append(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("valid/twin-b.json")))
        bodies.append(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("valid/mother-aged-12.json")))
        // No dispatcher: the stored deliveries must stay as the ingest left them for the comparison.
        let directory = TestPaths.temporaryDirectory()
        let store = try SQLiteStore(directory: directory.path)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let ingest = IngestService(
            store: store, intake: try TestIntake.make(), configuration: GatewayConfiguration(), logger: logger)
        var compared = 0
        var withWarnings = 0
        var states: Set<DeliveryState> = []
        for (index, body) in bodies.enumerated() {
            guard case .stored(let status, let reply, _, _) = await ingest.submit(key: "body-\(index)", body: body)
            else {
                Issue.record("record \(index) was rejected")
                continue
            }
            #expect(status == 202, "record \(index) answered \(status)")
            let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any]
            let id = try #require(object?["id"] as? String)
            let view = try await store.recordView(id: id)
            let stored = try #require(view)
            #expect(reply == (try Self.encoded(stored)), "record \(index)")
            compared += 1
            if !stored.warnings.isEmpty { withWarnings += 1 }
            states.formUnion(stored.deliveries.map(\.state))
        }
        #expect(compared == bodies.count)
        #expect(withWarnings > 0, "the sample must include records with warnings")
        #expect(states.isSuperset(of: [.pending, .waiting]), "the sample must include waiting deliveries")
    }

    @Test(
        "a batch answer line is what JSONEncoder writes, for accepted (with and without warnings), duplicate and rejected lines"
    )
    func batchLineMatchesEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let results = [
            BatchLineResult(line: 1, status: "accepted", id: "rec_01JD0000000000000000000000"),
            BatchLineResult(line: 12_345, status: "duplicate", id: "rec_01JD0000000000000000000001"),
            BatchLineResult(
                line: 3, status: "accepted", id: "rec_01JD0000000000000000000002",
                warnings: ["superseded-on-arrival", "young-parent"]),
            BatchLineResult(
                line: 7, status: "rejected",
                problem: Problem(status: 400, code: "malformed-json", title: "Malformed JSON", detail: "not \"JSON\"")),
        ]
        for result in results {
            #expect(result.jsonLine() == (try encoder.encode(result)), "line \(result.line)")
        }
    }
}
