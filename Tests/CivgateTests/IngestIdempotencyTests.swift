import Foundation
import GRDB
import Testing

/// `POST /v1/records` follows the IETF Idempotency-Key draft, and the natural key of a registration
/// prevents a second record for it, while twins stay two records.
@Suite("Ingest idempotency")
struct IngestIdempotencyTests {
    static let sample = TestPaths.samples.appendingPathComponent("KS-2026-000000003.json")

    @Test("a missing Idempotency-Key is a 400 problem")
    func missingKey() async throws {
        try await GatewayHarness.withGateway { gateway in
            let reply = try await TestHTTP.postRecord(gateway.baseURL, try Data(contentsOf: Self.sample), key: nil)
            #expect(reply.status == 400)
            #expect(reply.headers["content-type"] == "application/problem+json")
            #expect(reply.json["code"] as? String == "idempotency-key-missing")
            #expect(try gateway.count("records") == 0)
        }
    }

    @Test("the same key and payload answer the first response again, marked as replayed")
    func replay() async throws {
        try await GatewayHarness.withGateway { gateway in
            let body = try Data(contentsOf: Self.sample)
            let first = try await TestHTTP.postRecord(gateway.baseURL, body, key: "\"key-replay-1\"")
            let second = try await TestHTTP.postRecord(gateway.baseURL, body, key: "\"key-replay-1\"")
            #expect(first.status == 202)
            #expect(first.headers["idempotent-replayed"] == nil)
            #expect(second.status == 202)
            #expect(second.headers["idempotent-replayed"] == "true")
            #expect(second.body == first.body)
            let id = try #require(first.json["id"] as? String)
            #expect(first.headers["location"] == "/v1/records/\(id)")
            #expect(second.headers["location"] == "/v1/records/\(id)")
            #expect(try gateway.count("records") == 1)
            #expect(try gateway.count("deliveries") == 1)
        }
    }

    @Test("the same key with another payload is 422 and changes nothing")
    func reusedKey() async throws {
        try await GatewayHarness.withGateway { gateway in
            let body = try Data(contentsOf: Self.sample)
            _ = try await TestHTTP.postRecord(gateway.baseURL, body, key: "key-reuse")
            let other = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("valid/twin-a.json"))
            let reply = try await TestHTTP.postRecord(gateway.baseURL, other, key: "key-reuse")
            #expect(reply.status == 422)
            #expect(reply.json["code"] as? String == "idempotency-key-reused")
            #expect(try gateway.count("records") == 1)
        }
    }

    @Test("the same key while the first request is still being written is 409")
    func keyInProgress() async throws {
        try await GatewayHarness.withGateway { gateway in
            // Hold SQLite's write lock from a second connection: the first request waits to commit, so
            // the second with the same key deterministically meets it in flight.
            let locker = try SQLiteLockHolder(path: gateway.store.path)
            let body = try Data(contentsOf: Self.sample)
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await TestHTTP.postRecord(gateway.baseURL, body, key: "key-in-flight") }
                }
                let firstDone = try await group.next()!
                // The other request is blocked on the lock, so the first answer must be the 409.
                locker.release()
                let secondDone = try await group.next()!
                return [firstDone, secondDone]
            }
            #expect(replies[0].status == 409)
            #expect(replies[0].json["code"] as? String == "idempotency-key-in-progress")
            #expect(replies[1].status == 202)
            #expect(try gateway.count("records") == 1)
        }
    }

    @Test("concurrent clients with one key create exactly one record")
    func concurrentSameKey() async throws {
        try await GatewayHarness.withGateway { gateway in
            let body = try Data(contentsOf: Self.sample)
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await TestHTTP.postRecord(gateway.baseURL, body, key: "key-concurrent") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let fresh = replies.filter { $0.status == 202 && $0.headers["idempotent-replayed"] == nil }
            let replayed = replies.filter { $0.headers["idempotent-replayed"] == "true" }
            let conflicts = replies.filter { $0.status == 409 }
            #expect(fresh.count == 1)
            #expect(fresh.count + replayed.count + conflicts.count == 16)
            #expect(Set(replayed.map(\.body)).allSatisfy { $0 == fresh.first?.body })
            #expect(try gateway.count("records") == 1)
        }
    }

    @Test("the same registration under a new key answers 200 with the existing record")
    func naturalKey() async throws {
        try await GatewayHarness.withGateway { gateway in
            let body = try Data(contentsOf: Self.sample)
            let first = try await TestHTTP.postRecord(gateway.baseURL, body, key: "natural-1")
            let second = try await TestHTTP.postRecord(gateway.baseURL, body, key: "natural-2")
            #expect(first.status == 202)
            #expect(second.status == 200)
            #expect(second.json["id"] as? String == first.json["id"] as? String)
            #expect(try gateway.count("records") == 1)
            // The second key is bound too: repeating it replays the 200.
            let again = try await TestHTTP.postRecord(gateway.baseURL, body, key: "natural-2")
            #expect(again.status == 200)
            #expect(again.headers["idempotent-replayed"] == "true")
        }
    }

    @Test("twins with identical personal details are two records")
    func twins() async throws {
        try await GatewayHarness.withGateway { gateway in
            let twinA = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("valid/twin-a.json"))
            let twinB = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("valid/twin-b.json"))
            let first = try await TestHTTP.postRecord(gateway.baseURL, twinA, key: "twin-a")
            let second = try await TestHTTP.postRecord(gateway.baseURL, twinB, key: "twin-b")
            #expect(first.status == 202)
            #expect(second.status == 202)
            #expect(first.json["id"] as? String != second.json["id"] as? String)
            #expect(try gateway.count("records") == 2)
        }
    }

    @Test("keys are kept at least 72 hours")
    func retention() async throws {
        try await GatewayHarness.withGateway { gateway in
            let reply = try await TestHTTP.postRecord(
                gateway.baseURL, try Data(contentsOf: Self.sample), key: "retained")
            #expect(reply.status == 202)
            let queue = try DatabaseQueue(path: gateway.store.path)
            let kept = try await queue.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT expires_at - created_at FROM idempotency_keys WHERE key = 'retained'")
            }
            #expect((kept ?? 0) >= 72 * 3_600_000)
        }
    }
}
