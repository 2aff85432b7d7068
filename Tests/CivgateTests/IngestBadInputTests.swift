import Foundation
import Testing

/// Bad input gets an RFC 9457 problem with a stable code and the JSON path of each error, never echoes
/// personal data, and leaves nothing half-written.
@Suite("Ingest bad input")
struct IngestBadInputTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: TestPaths.fixtures.appendingPathComponent(name))
    }

    @Test("malformed JSON is a 400 malformed-json problem")
    func malformed() async throws {
        try await GatewayHarness.withGateway { gateway in
            let reply = try await TestHTTP.postRecord(gateway.baseURL, Data("{\"source\": ".utf8), key: "bad-1")
            #expect(reply.status == 400)
            #expect(reply.headers["content-type"] == "application/problem+json")
            #expect(reply.json["code"] as? String == "malformed-json")
            #expect(reply.json["type"] as? String == "urn:civgate:problem:malformed-json")
            #expect(try gateway.count("records") == 0)
        }
    }

    @Test("a schema violation names each path and never echoes the values")
    func schemaViolation() async throws {
        try await GatewayHarness.withGateway { gateway in
            // Two problems at once: an 11-digit mother's PIN and a bad sex; the names must not come back.
            var record = try JSONSerialization.jsonObject(with: Self.fixture("valid/twin-a.json")) as! [String: Any]
            var subjects = record["subjects"] as! [[String: Any]]
            subjects[1]["pin"] = "00119765237"
            subjects[0]["sex"] = "boy"
            record["subjects"] = subjects
            let body = try JSONSerialization.data(withJSONObject: record)
            let reply = try await TestHTTP.postRecord(gateway.baseURL, body, key: "bad-2")
            #expect(reply.status == 422)
            #expect(reply.json["code"] as? String == "record-invalid")
            let paths = Set((reply.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String })
            #expect(paths.contains("$.subjects[1].pin"))
            #expect(paths.contains("$.subjects[0].sex"))
            let names = subjects.compactMap { ($0["name"] as? [String: Any])?["full"] as? String }
            for personal in names + ["00119765237", "boy"] {
                #expect(!reply.text.contains(personal), "the problem echoes a submitted value")
            }
            #expect(try gateway.count("records") == 0)
        }
    }

    @Test("an unknown event type has its own code")
    func unknownEvent() async throws {
        try await GatewayHarness.withGateway { gateway in
            let reply = try await TestHTTP.postRecord(
                gateway.baseURL, try Self.fixture("invalid/unknown-event.json"), key: "bad-3")
            #expect(reply.status == 422)
            #expect(reply.json["code"] as? String == "unknown-event-type")
            #expect((reply.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "$.event")
        }
    }

    @Test("a body over the configured limit is 413")
    func oversized() async throws {
        try await GatewayHarness.withGateway(configure: { $0.server.maxBodyBytes = 1024 }) { gateway in
            let body = try Data(contentsOf: TestPaths.samples.appendingPathComponent("KS-2026-000000003.json"))
            #expect(body.count > 1024)
            let reply = try await TestHTTP.postRecord(gateway.baseURL, body, key: "bad-4")
            #expect(reply.status == 413)
            #expect(reply.json["code"] as? String == "body-too-large")
            #expect(try gateway.count("records") == 0)
        }
    }

    @Test("a body that is not JSON by content type is 415")
    func wrongContentType() async throws {
        try await GatewayHarness.withGateway { gateway in
            let reply = try await TestHTTP.request(
                .POST, gateway.baseURL + "/v1/records", body: Data("x".utf8),
                headers: ["Content-Type": "text/plain", "Idempotency-Key": "bad-5"])
            #expect(reply.status == 415)
            #expect(reply.json["code"] as? String == "unsupported-media-type")
        }
    }

    @Test("a rejected request does not bind its key: the corrected record can use it")
    func rejectionLeavesKeyFree() async throws {
        try await GatewayHarness.withGateway { gateway in
            let bad = try await TestHTTP.postRecord(gateway.baseURL, Data("[]".utf8), key: "bad-then-good")
            #expect(bad.status == 422)
            let good = try await TestHTTP.postRecord(
                gateway.baseURL,
                try Data(contentsOf: TestPaths.samples.appendingPathComponent("KS-2026-000000003.json")),
                key: "bad-then-good")
            #expect(good.status == 202)
        }
    }

    @Test("unknown ids are 404 problems")
    func unknownIDs() async throws {
        try await GatewayHarness.withGateway { gateway in
            for path in ["/v1/records/rec_nope", "/v1/deliveries/dlv_nope", "/v1/nothing"] {
                let reply = try await TestHTTP.get(gateway.baseURL + path)
                #expect(reply.status == 404)
                #expect(reply.json["code"] as? String == "not-found")
            }
        }
    }
}
