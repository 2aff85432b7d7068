import CivgateEngine
import Foundation
import Testing

/// `POST /v1/records:batch` takes NDJSON, answers per line in order, is idempotent per line by the
/// record's natural key, puts records in the backfill lane, and delivers them.
@Suite("Batch ingest")
struct BatchIngestTests {
    static func postBatch(_ baseURL: String, _ body: Data) async throws -> [[String: Any]] {
        let reply = try await TestHTTP.request(
            .POST, baseURL + "/v1/records:batch", body: body, headers: ["Content-Type": "application/x-ndjson"])
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "application/x-ndjson")
        return reply.body.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
    }

    @Test("a line whose registration already has a later version is accepted with the warning that says so")
    func lateVersionCarriesItsWarning() async throws {
        let sample = try Data(contentsOf: TestPaths.samples.appendingPathComponent("KS-2026-000000003.json"))
        var later = try #require(try JSONSerialization.jsonObject(with: sample) as? [String: Any])
        var source = try #require(later["source"] as? [String: Any])
        source["version"] = 2
        later["source"] = source
        let line = { (object: Any) in try JSONSerialization.data(withJSONObject: object) + Data("\n".utf8) }
        try await GatewayHarness.withGateway { gateway in
            let first = try await Self.postBatch(gateway.baseURL, try line(later))
            #expect(first.first?["status"] as? String == "accepted")
            #expect(first.first?["warnings"] == nil, "no warning member when there is none")
            // Version 1 arrives after version 2: stored, and superseded on arrival.
            let late = try await Self.postBatch(
                gateway.baseURL, try line(try JSONSerialization.jsonObject(with: sample)))
            #expect(late.first?["status"] as? String == "accepted")
            #expect(late.first?["warnings"] as? [String] == ["superseded-on-arrival"])
        }
    }

    @Test("each line is answered in order: accepted, rejected with its problem, blank lines skipped")
    func perLine() async throws {
        let records = try RecordGenerator.lines(count: 40, seed: 5, mix: "historical")
        let births = try RecordGenerator.lines(event: "birth", count: 40, seed: 5, mix: "historical").count
        var body = Data()
        for (index, line) in records.enumerated() {
            body += line + Data("\n".utf8)
            if index == 10 { body += Data("\n   \n{\"event\": \"birth\",}\n".utf8) }  // blank lines, then bad JSON
        }
        body += Data("{\"oversized\": \"\(String(repeating: "x", count: 4096))\"}".utf8)  // no final newline
        try await GatewayHarness.withGateway(configure: { $0.server.maxBodyBytes = 2048 }) { gateway in
            let results = try await Self.postBatch(gateway.baseURL, body)
            #expect(results.count == 42)
            let lines = results.compactMap { $0["line"] as? Int }
            #expect(lines == lines.sorted())
            #expect(!lines.contains(12) && !lines.contains(13), "blank lines get no result")
            let malformed = try #require(results.first { $0["line"] as? Int == 14 })
            #expect(malformed["status"] as? String == "rejected")
            #expect((malformed["problem"] as? [String: Any])?["code"] as? String == "malformed-json")
            let oversized = try #require(results.last)
            #expect((oversized["problem"] as? [String: Any])?["code"] as? String == "body-too-large")
            #expect(results.filter { $0["status"] as? String == "accepted" }.count == 40)
            #expect(try gateway.count("records") == 40)
            #expect(try gateway.count("deliveries", where: "lane = 'backfill'") == births)
            try await waitUntil("the batch's births are delivered") {
                try gateway.count("deliveries", where: "state = 'succeeded'") == births
            }
        }
    }

    @Test("sending the same batch again creates nothing: every line is a duplicate with the same id")
    func idempotentPerLine() async throws {
        let records = try RecordGenerator.lines(count: 25, seed: 8, mix: "live")
        let body = records.reduce(Data()) { $0 + $1 + Data("\n".utf8) }
        try await GatewayHarness.withGateway { gateway in
            let first = try await Self.postBatch(gateway.baseURL, body)
            let second = try await Self.postBatch(gateway.baseURL, body)
            #expect(first.allSatisfy { $0["status"] as? String == "accepted" })
            #expect(second.allSatisfy { $0["status"] as? String == "duplicate" })
            #expect(first.map { $0["id"] as? String } == second.map { $0["id"] as? String })
            #expect(try gateway.count("records") == 25)
        }
    }

    @Test("a batch that is not NDJSON by content type is 415")
    func wrongContentType() async throws {
        try await GatewayHarness.withGateway { gateway in
            let reply = try await TestHTTP.request(
                .POST, gateway.baseURL + "/v1/records:batch", body: Data("{}".utf8),
                headers: ["Content-Type": "application/json"])
            #expect(reply.status == 415)
            #expect(reply.json["code"] as? String == "unsupported-media-type")
        }
    }
}
