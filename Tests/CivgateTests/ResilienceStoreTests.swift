import Foundation
import Testing

/// The store under pressure: when SQLite cannot write, ingest says so (503 + Retry-After) and stores
/// nothing, and the same request later succeeds: nothing acknowledged, nothing lost.
@Suite("Resilience: the store cannot write", .serialized)
struct ResilienceStoreTests {
    @Test(
        "a write lock held past store.busyTimeout: 503 store-unavailable with Retry-After, nothing stored; then 202 with the same key"
    )
    func lockedStore() async throws {
        let work = TestPaths.temporaryDirectory("civgate-resilience-store")
        let dataDirectory = work.appendingPathComponent("data")
        let population = try await ResilienceMock.start("population")
        let insurance = try await ResilienceMock.start("insurance")
        let configPath = try ResilienceConfig.write(in: work, dataDirectory: dataDirectory, busyTimeout: "300ms")
        let gateway = ResilienceGateway(
            configPath: configPath, dataDirectory: dataDirectory,
            destinations: ["population": population.url, "insurance": insurance.url])
        let url = try await gateway.start()
        let database = ResilienceDatabase(path: gateway.databasePath)
        let body = try Data(contentsOf: TestPaths.samples.appendingPathComponent("KS-2026-000000003.json"))

        // Another process holds SQLite's write lock for longer than busyTimeout.
        let locker = try SQLiteLockHolder(path: gateway.databasePath)
        let clock = ContinuousClock()
        let started = clock.now
        let refused = try await TestHTTP.postRecord(url, body, key: "store-pressure-1")
        let waited = clock.now - started
        locker.release()
        #expect(refused.status == 503)
        #expect(refused.headers["content-type"]?.hasPrefix("application/problem+json") == true)
        #expect(refused.json["code"] as? String == "store-unavailable")
        let retryAfter = refused.headers["retry-after"].flatMap { Int($0) }
        #expect(retryAfter.map { $0 > 0 } == true, "Retry-After: \(refused.headers["retry-after"] ?? "missing")")
        #expect(waited < .seconds(10), "the answer came after \(waited), busyTimeout is 300ms")
        #expect(try database.count("records") == 0)
        #expect(try database.count("idempotency_keys") == 0, "a refused request does not bind its key")
        #expect(try database.count("deliveries") == 0)

        // The lock is gone: the same request with the same key is accepted, once, and delivered.
        let accepted = try await TestHTTP.postRecord(url, body, key: "store-pressure-1")
        #expect(accepted.status == 202, "\(accepted.text)")
        #expect(accepted.headers["idempotent-replayed"] == nil)
        let id = try #require(accepted.json["id"] as? String)
        try await waitUntil(timeout: .seconds(20), "the record to be delivered") {
            try await TestHTTP.get(url + "/v1/records/\(id)").json["state"] as? String == "succeeded"
        }
        let again = try await TestHTTP.postRecord(url, body, key: "store-pressure-1")
        #expect(
            again.status == 202 && again.json["id"] as? String == id && again.headers["idempotent-replayed"] == "true")
        #expect(try database.count("records") == 1)
        for mock in [population, insurance] {
            let effects = try await mock.effects()
            #expect(effects.count == 1 && effects.values.allSatisfy { $0 == 1 }, "\(mock.name): \(effects)")
        }
        print("figures (store): 503 after \(waited) with Retry-After \(retryAfter ?? -1)s; then 202 \(id), delivered")
        try await gateway.stop()
        await population.stop()
        await insurance.stop()
    }
}
