import Foundation
import GRDB
import Testing

/// A lease says "this worker is on it". An attempt that takes longer than the lease (a slow national
/// system, still within `requestTimeout`) must not be claimed and sent again while it is on the wire,
/// and a worker whose claim was taken over must not have its late answer applied.
@Suite("Resilience: an attempt that outlives its lease", .serialized)
struct ResilienceLeaseTests {
    @Test("an attempt slower than dispatcher.lease keeps its lease and is sent once")
    func slowAttemptIsNotSentTwice() async throws {
        let marriages = try RecordGenerator.lines(event: "marriage", count: 40, seed: 9, mix: "live")
        let marriage = try #require(marriages.first)
        let work = TestPaths.temporaryDirectory("civgate-resilience-lease")
        let dataDirectory = work.appendingPathComponent("data")
        let population = try await ResilienceMock.start("population")
        let insurance = try await ResilienceMock.start("insurance")
        // 2.5 s per answer: slower than the 2 s lease, well within the 3 s request timeout.
        try await population.setFaults(#"{"latency": {"distribution": "fixed", "milliseconds": 2500}}"#)
        let configPath = try ResilienceConfig.write(in: work, dataDirectory: dataDirectory, lease: "2s")
        let gateway = ResilienceGateway(
            configPath: configPath, dataDirectory: dataDirectory,
            destinations: ["population": population.url, "insurance": insurance.url])
        let url = try await gateway.start()
        let database = ResilienceDatabase(path: gateway.databasePath)

        let reply = try await TestHTTP.postRecord(url, marriage, key: "lease-marriage-1")
        try #require(reply.status == 202)
        let recordID = try #require(reply.json["id"] as? String)
        try await waitUntil(timeout: .seconds(20), "the record to be delivered") {
            try await TestHTTP.get(url + "/v1/records/\(recordID)").json["state"] as? String == "succeeded"
        }
        // Let any second attempt still on the wire finish, so the mock's log is complete.
        try await waitUntil(timeout: .seconds(10), "nothing in flight at the mock") {
            let counters = try await population.faultSnapshot()["counters"] as? [String: Any] ?? [:]
            let matched = counters["requests"] as? Int ?? 0
            return try await population.requests().count == matched
        }
        let (deliveryID, key) = try database.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT id, outbound_key FROM deliveries WHERE record_id = ? AND destination = 'population'",
                arguments: [recordID])!
            return (row["id"] as String, row["outbound_key"] as String)
        }
        let sent = try await population.requests().filter { $0["key"] as? String == key }
        let view = try await TestHTTP.get(url + "/v1/deliveries/\(deliveryID)").json
        let transitions = (view["transitions"] as? [[String: Any]] ?? []).map {
            "\($0["to"] ?? "?"): \($0["cause"] ?? "")"
        }
        let takeovers = transitions.filter { $0.contains("expired") }
        #expect(
            sent.count == 1,
            """
            one attempt, 2.5 s long, was sent \(sent.count) times (replayed: \(sent.map { $0["replayed"] ?? "?" })); \
            transitions: \(transitions)
            """)
        #expect(takeovers.isEmpty, "a live worker's lease was taken over: \(takeovers)")
        #expect(try await population.effects()[key] == 1)
        try await gateway.stop()
        await population.stop()
        await insurance.stop()
    }

    @Test("a delivery claimed and then held back by the rate limit keeps its lease and is sent once")
    func rateLimitedClaimKeepsItsLease() async throws {
        let marriages = Array(try RecordGenerator.lines(event: "marriage", count: 80, seed: 9, mix: "live").prefix(6))
        try #require(marriages.count == 6)
        let work = TestPaths.temporaryDirectory("civgate-resilience-ratelimit")
        let dataDirectory = work.appendingPathComponent("data")
        let population = try await ResilienceMock.start("population")
        let insurance = try await ResilienceMock.start("insurance")
        // One request a second to population, 4 workers: the 4th claim waits about 3 s for its token,
        // longer than the 2 s lease. The destination itself answers at once.
        var limited = ResilienceConfig.Destination()
        limited.rateLimit = 1
        let configPath = try ResilienceConfig.write(
            in: work, dataDirectory: dataDirectory, lease: "2s", population: limited)
        let gateway = ResilienceGateway(
            configPath: configPath, dataDirectory: dataDirectory,
            destinations: ["population": population.url, "insurance": insurance.url])
        let url = try await gateway.start()
        let database = ResilienceDatabase(path: gateway.databasePath)
        for (index, body) in marriages.enumerated() {
            let reply = try await TestHTTP.postRecord(url, body, key: "ratelimit-marriage-\(index)")
            try #require(reply.status == 202)
        }
        try await waitUntil(timeout: .seconds(30), "every delivery to succeed") {
            try database.count("deliveries", where: "state <> 'succeeded'") == 0
        }
        try await waitUntil(timeout: .seconds(15), "the rate-limited stragglers to reach the mock") {
            // Every claim ends with a request; wait until the mock saw one per claim.
            try await population.requests().count
                >= (try database.count("transitions", where: "to_state = 'in_flight'"))
        }
        let requests = try await population.requests()
        let keys = requests.compactMap { $0["key"] as? String }
        let sentTwice = Dictionary(grouping: keys, by: { $0 }).filter { $0.value.count > 1 }.count
        let takeovers = try database.count("transitions", where: "cause LIKE 'lease of % expired%'")
        #expect(takeovers == 0, "leases of waiting workers taken over: \(takeovers)")
        #expect(
            sentTwice == 0,
            "\(sentTwice) of \(marriages.count) deliveries were sent more than once (\(requests.count) requests)")
        #expect(try await population.effects().values.allSatisfy { $0 == 1 })
        try await gateway.stop()
        await population.stop()
        await insurance.stop()
    }
}
