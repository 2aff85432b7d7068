import Foundation
import GRDB
import Testing

/// The Population Database answers 503 to everything for a while, then comes back: what was posted
/// meanwhile is delivered afterwards, and per person in registration order.
@Suite("Resilience: a destination down for a while", .serialized)
struct ResilienceOutageTests {
    static let outage = #"{"seed": 7, "errorRates": [{"status": 503, "rate": 1.0, "retryAfterSeconds": 0}]}"#
    static let pairs = 4

    /// One person's two events: a marriage registered in September and the husband's death registered
    /// in November, with the keys and ids they get.
    struct Pair {
        var marriage: Data
        var death: Data
        var marriageID = ""
        var deathID = ""
    }

    static func makePairs(start: Int) throws -> [Pair] {
        let generated = try RecordGenerator.lines(count: 80, seed: 31, mix: "live", start: start)
        let marriages = generated.filter { (try? ResilienceRecords.object($0)["event"] as? String) == "marriage" }
        let deaths = generated.filter { (try? ResilienceRecords.object($0)["event"] as? String) == "death" }
        try #require(marriages.count >= pairs && deaths.count >= pairs)
        return try (0..<pairs).map { index in
            let built = try ResilienceRecords.marriageThenDeath(
                marriage: marriages[index], death: deaths[index], marriedOn: "2026-09-0\(index + 1)",
                diedOn: "2026-11-0\(index + 1)", registeredDeathOn: "2026-11-1\(index)")
            return Pair(marriage: built.marriage, death: built.death)
        }
    }

    struct Running {
        var population: ResilienceMock
        var insurance: ResilienceMock
        var gateway: ResilienceGateway
        var database: ResilienceDatabase
        var url: String

        func stop() async throws {
            try await gateway.stop()
            await population.stop()
            await insurance.stop()
        }
    }

    static func start(label: String) async throws -> Running {
        let work = TestPaths.temporaryDirectory("civgate-resilience-\(label)")
        let dataDirectory = work.appendingPathComponent("data")
        let population = try await ResilienceMock.start("population")
        let insurance = try await ResilienceMock.start("insurance")
        try await population.setFaults(outage)
        let configPath = try ResilienceConfig.write(in: work, dataDirectory: dataDirectory)
        let gateway = ResilienceGateway(
            configPath: configPath, dataDirectory: dataDirectory,
            destinations: ["population": population.url, "insurance": insurance.url])
        let url = try await gateway.start()
        return Running(
            population: population, insurance: insurance, gateway: gateway,
            database: ResilienceDatabase(path: gateway.databasePath), url: url)
    }

    static func post(_ body: Data, key: String, to url: String) async throws -> String {
        let reply = try await TestHTTP.postRecord(url, body, key: key)
        try #require(reply.status == 202, "\(key): \(reply.status) \(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    /// The population delivery of a record: its outbound key and state.
    static func populationDelivery(of recordID: String, in database: ResilienceDatabase) throws -> (
        key: String, state: String
    ) {
        try database.read { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT outbound_key, state FROM deliveries WHERE record_id = ? AND destination = 'population'",
                arguments: [recordID])!
            return (row["outbound_key"], row["state"])
        }
    }

    /// The mock's sequence number of the first request that reached its handler with `key`.
    static func firstSequence(of key: String, in requests: [[String: Any]]) -> Int? {
        requests.first { $0["key"] as? String == key }?["sequence"] as? Int
    }

    @Test(
        "population answers 503 to everything, then comes back: all is delivered, each person's events in registration order"
    )
    func outageThenBack() async throws {
        let running = try await Self.start(label: "outage")
        let (population, insurance, database, url) = (
            running.population, running.insurance, running.database, running.url
        )
        var pairs = try Self.makePairs(start: 0)
        let bulk = try RecordGenerator.lines(count: 40, seed: 12, mix: "live", start: 1000)

        // During the outage, in arrival order = registration order: the marriages, other records, the deaths.
        for index in pairs.indices {
            pairs[index].marriageID = try await Self.post(
                pairs[index].marriage, key: "outage-marriage-\(index)", to: url)
        }
        var bulkIDs: [String] = []
        for (index, body) in bulk.enumerated() {
            bulkIDs.append(try await Self.post(body, key: "outage-bulk-\(index)", to: url))
        }
        for index in pairs.indices {
            pairs[index].deathID = try await Self.post(pairs[index].death, key: "outage-death-\(index)", to: url)
        }

        // The outage is real: population deliveries fail and retry; each death waits for its marriage; the
        // deaths' insurance step, independent, is done meanwhile.
        try await waitUntil(timeout: .seconds(20), "every marriage to have failed twice at population") {
            try database.count(
                "deliveries d JOIN records r ON r.id = d.record_id",
                where:
                    "r.event = 'marriage' AND d.destination = 'population' AND d.attempts >= 2 AND d.state <> 'succeeded'"
            )
                >= Self.pairs
        }
        for pair in pairs {
            #expect(try Self.populationDelivery(of: pair.deathID, in: database).state == "waiting")
        }
        try await waitUntil(timeout: .seconds(20), "the deaths' insurance step") {
            try database.count(
                "deliveries d JOIN records r ON r.id = d.record_id",
                where: "r.event = 'death' AND d.destination = 'insurance' AND d.state = 'succeeded'")
                == pairs.count
                + bulk.filter { (try? ResilienceRecords.object($0)["event"] as? String) == "death" }.count
        }
        #expect(try database.count("deliveries", where: "destination = 'population' AND state = 'succeeded'") == 0)
        #expect(try await population.requests().isEmpty, "the outage answers before the handler")
        let outageCounters = try await population.faultSnapshot()["counters"] as? [String: Any] ?? [:]
        let refused = (outageCounters["errors"] as? [String: Int])?["503"] ?? 0
        #expect(refused > 0)

        // Back: everything posted during the outage is delivered.
        try await population.clearFaults()
        try await waitUntil(timeout: .seconds(30), "every delivery to succeed") {
            try database.count("deliveries", where: "state <> 'succeeded'") == 0
        }
        for id in bulkIDs + pairs.flatMap({ [$0.marriageID, $0.deathID] }) {
            #expect(try await TestHTTP.get(url + "/v1/records/\(id)").json["state"] as? String == "succeeded", "\(id)")
        }
        let requests = try await population.requests()
        for (index, pair) in pairs.enumerated() {
            let marriageKey = try Self.populationDelivery(of: pair.marriageID, in: database).key
            let deathKey = try Self.populationDelivery(of: pair.deathID, in: database).key
            let marriageAt = try #require(Self.firstSequence(of: marriageKey, in: requests))
            let deathAt = try #require(Self.firstSequence(of: deathKey, in: requests))
            #expect(marriageAt < deathAt, "pair \(index): the marriage (#\(marriageAt)) before the death (#\(deathAt))")
        }
        for mock in [population, insurance] {
            let effects = try await mock.effects()
            #expect(effects.values.allSatisfy { $0 == 1 }, "\(mock.name): \(effects.filter { $0.value != 1 })")
        }
        print(
            "figures (outage): records=\(bulkIDs.count + 2 * pairs.count) population 503s during the outage=\(refused) "
                + "population requests after=\(requests.count)")
        try await running.stop()
    }

    @Test(
        "an earlier-registered event that arrives after a later one of the same person still reaches population first")
    func earlierEventArrivingLate() async throws {
        let running = try await Self.start(label: "outage-late")
        let (population, database, url) = (running.population, running.database, running.url)
        var pairs = try Self.makePairs(start: 500)

        // During the outage the husband's death (registered in November) arrives first, then the
        // marriage (registered in September): neither is delivered yet, so registration order still holds.
        for index in pairs.indices {
            pairs[index].deathID = try await Self.post(pairs[index].death, key: "late-death-\(index)", to: url)
        }
        try await waitUntil(timeout: .seconds(20), "every death to have failed at population") {
            try database.count(
                "deliveries d JOIN records r ON r.id = d.record_id",
                where:
                    "r.event = 'death' AND d.destination = 'population' AND d.attempts >= 1 AND d.state <> 'succeeded'")
                >= Self.pairs
        }
        for index in pairs.indices {
            pairs[index].marriageID = try await Self.post(pairs[index].marriage, key: "late-marriage-\(index)", to: url)
        }
        var heldBack: [String] = []
        for pair in pairs {
            let state = try Self.populationDelivery(of: pair.deathID, in: database).state
            if state != "waiting" { heldBack.append(state) }
        }
        #expect(
            heldBack.isEmpty,
            "the deaths should wait for the earlier-registered marriages of the same person; their states: \(heldBack)")

        try await population.clearFaults()
        try await waitUntil(timeout: .seconds(30), "every delivery to succeed") {
            try database.count("deliveries", where: "state <> 'succeeded'") == 0
        }
        let requests = try await population.requests()
        var outOfOrder: [String] = []
        for (index, pair) in pairs.enumerated() {
            let marriageKey = try Self.populationDelivery(of: pair.marriageID, in: database).key
            let deathKey = try Self.populationDelivery(of: pair.deathID, in: database).key
            let marriageAt = try #require(Self.firstSequence(of: marriageKey, in: requests))
            let deathAt = try #require(Self.firstSequence(of: deathKey, in: requests))
            if deathAt < marriageAt {
                outOfOrder.append("pair \(index): death #\(deathAt) before marriage #\(marriageAt)")
            }
        }
        #expect(outOfOrder.isEmpty, "\(outOfOrder)")
        try await running.stop()
    }
}
