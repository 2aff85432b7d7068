import Foundation
import GRDB
import Testing

/// One destination swallows every request and never answers; the other is healthy. A death goes to
/// both as independent steps: the healthy destination must not wait for the hung one.
@Suite("Resilience: a destination that never answers", .serialized)
struct ResilienceBlackHoleTests {
    @Test(
        "population black-holes everything: insurance report-death still succeeds, the breaker opens, all is delivered after"
    )
    func blackHole() async throws {
        let deaths = try RecordGenerator.lines(event: "death", count: 120, seed: 5, mix: "live")
        try #require(deaths.count >= 15)
        let work = TestPaths.temporaryDirectory("civgate-resilience-blackhole")
        let dataDirectory = work.appendingPathComponent("data")
        let population = try await ResilienceMock.start("population")
        let insurance = try await ResilienceMock.start("insurance")
        try await population.setFaults(#"{"seed": 3, "blackHoleRate": 1.0, "blackHoleMaxHoldSeconds": 60}"#)
        var hung = ResilienceConfig.Destination()
        hung.requestTimeout = "1s"
        hung.breaker = "{ consecutiveFailures: 3, openFor: 2s }"
        let configPath = try ResilienceConfig.write(in: work, dataDirectory: dataDirectory, population: hung)
        let gateway = ResilienceGateway(
            configPath: configPath, dataDirectory: dataDirectory,
            destinations: ["population": population.url, "insurance": insurance.url])
        let url = try await gateway.start()
        let database = ResilienceDatabase(path: gateway.databasePath)

        var ids: [String] = []
        for (index, body) in deaths.enumerated() {
            let reply = try await TestHTTP.postRecord(url, body, key: "blackhole-death-\(index)")
            try #require(reply.status == 202, "\(reply.status) \(reply.text)")
            ids.append(try #require(reply.json["id"] as? String))
        }

        // Insurance: every report-death succeeds within a bounded wait, while population hangs.
        let clock = ContinuousClock()
        let started = clock.now
        try await waitUntil(timeout: .seconds(15), "every insurance report-death to succeed") {
            try database.count("deliveries", where: "destination = 'insurance' AND state = 'succeeded'") == deaths.count
        }
        let insuranceDone = clock.now - started
        #expect(try database.count("deliveries", where: "destination = 'population' AND state = 'succeeded'") == 0)
        let populationStates = try database.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT state FROM deliveries WHERE destination = 'population'")
        }
        #expect(Set(populationStates).isSubset(of: ["pending", "in_flight", "retrying"]), "\(populationStates)")
        #expect(try await population.effects().isEmpty, "a black hole never runs the handler")

        // /readyz: the gateway stays ready (intake works) and shows population's breaker open.
        var seen: [String] = []
        try await waitUntil(timeout: .seconds(15), "population's breaker to show open in /readyz") {
            let ready = try await TestHTTP.get(url + "/readyz")
            let destinations = ready.json["destinations"] as? [String: String] ?? [:]
            if let state = destinations["population"], seen.last != state { seen.append(state) }
            #expect(ready.status == 200 && ready.json["status"] as? String == "ready")
            #expect(destinations["insurance"] == "closed")
            return destinations["population"] == "open"
        }
        let blackHoles =
            (try await population.faultSnapshot()["counters"] as? [String: Any])?["blackHoles"] as? Int ?? 0
        #expect(blackHoles >= 3)
        let timeouts = try database.count(
            "attempts a JOIN deliveries d ON d.id = a.delivery_id",
            where: "d.destination = 'population' AND a.error_class = 'timeout'")
        #expect(timeouts >= 3)

        // The black hole ends: population's deliveries follow, each effect once.
        try await population.clearFaults()
        try await waitUntil(timeout: .seconds(30), "every delivery to succeed") {
            try database.count("deliveries", where: "state <> 'succeeded'") == 0
        }
        for id in ids {
            #expect(try await TestHTTP.get(url + "/v1/records/\(id)").json["state"] as? String == "succeeded")
        }
        for mock in [population, insurance] {
            let effects = try await mock.effects()
            #expect(
                effects.count == deaths.count && effects.values.allSatisfy { $0 == 1 }, "\(mock.name): \(effects.count)"
            )
        }
        let breakerAfter = try await TestHTTP.get(url + "/readyz").json["destinations"] as? [String: String]
        print(
            "figures (black hole): deaths=\(deaths.count) insurance all succeeded after \(insuranceDone) "
                + "population black holes=\(blackHoles) timeouts=\(timeouts) breaker states seen=\(seen) "
                + "after=\(breakerAfter?["population"] ?? "-")")
        try await gateway.stop()
        await population.stop()
        await insurance.stop()
    }
}
