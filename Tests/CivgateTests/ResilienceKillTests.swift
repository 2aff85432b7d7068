import Foundation
import GRDB
import Synchronization
import Testing

/// Issue 4: a record civgate acknowledged with 202 reaches every destination on its route, with its
/// effect happening once, whatever happens to the network, the national systems or civgate itself.
/// The real binary over a real SQLite file, the two mocks in their own processes (they outlive the
/// kills), faults on both mocks, and `kill -9` at moments chosen by a seeded random source.
@Suite("Resilience: kill -9 while posting and delivering", .serialized)
struct ResilienceKillTests {
    /// 20 % error answers (500, 502, 503, 429 with Retry-After), resets before the handler, lost replies
    /// after the effect, and latency.
    static let faults = """
        {"seed": 4242,
         "errorRates": [{"status": 500, "rate": 0.05}, {"status": 502, "rate": 0.05},
                        {"status": 503, "rate": 0.05, "retryAfterSeconds": 0},
                        {"status": 429, "rate": 0.05, "retryAfterSeconds": 1}],
         "latency": {"distribution": "uniform", "minMilliseconds": 0, "maxMilliseconds": 30},
         "resetRate": 0.03, "dropReplyRate": 0.05}
        """

    static let recordCount = 300
    static let clients = 4
    static let seed: UInt64 = 20_261_122

    @Test("kill -9 at seeded moments: every acknowledged record reaches every destination, each effect once")
    func killLoop() async throws {
        let lines = try RecordGenerator.lines(count: Self.recordCount, seed: 7, mix: "live")
        try #require(lines.count == Self.recordCount)
        let work = TestPaths.temporaryDirectory("civgate-resilience-kill")
        let dataDirectory = work.appendingPathComponent("data")
        let population = try await ResilienceMock.start("population")
        let insurance = try await ResilienceMock.start("insurance")
        try await population.setFaults(Self.faults)
        try await insurance.setFaults(Self.faults)
        let configPath = try ResilienceConfig.write(in: work, dataDirectory: dataDirectory)
        let gateway = ResilienceGateway(
            configPath: configPath, dataDirectory: dataDirectory,
            destinations: ["population": population.url, "insurance": insurance.url])
        try await gateway.start()
        let database = ResilienceDatabase(path: gateway.databasePath)
        let deadline = ContinuousClock.now + .seconds(75)

        // The chaos plan, fixed by the seed: five kills at acknowledgement counts while posting, then up to
        // three while delivering, each after a number of requests reached the mocks.
        var random = SplitMix(seed: Self.seed)
        var postingKills: Set<Int> = []
        while postingKills.count < 5 {
            postingKills.insert(Int.random(in: 20..<(Self.recordCount - 20), using: &random))
        }
        let deliveryKillSteps = (0..<3).map { _ in Int.random(in: 10...80, using: &random) }

        // Clients: each posts its share, retrying with the SAME key until civgate answers 202.
        let acknowledged = ResilienceBox<[Int: ResilienceClient.Acknowledged]>([:])
        let postingEnded = ResilienceBox(false)
        let posting = Task {
            defer { postingEnded.withLock { $0 = true } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<Self.clients {
                    group.addTask {
                        for index in stride(from: client, to: Self.recordCount, by: Self.clients) {
                            let ack = try await ResilienceClient.postUntilAcknowledged(
                                lines[index], key: "resilience-kill-\(index)", gateway: gateway, deadline: deadline)
                            acknowledged.withLock { $0[index] = ack }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        var killMoments: [String] = []
        for threshold in postingKills.sorted() {
            try await waitUntil(timeout: .seconds(45), "\(threshold) acknowledgements") {
                acknowledged.withLock { $0.count } >= threshold || postingEnded.value
            }
            try await gateway.kill9()
            killMoments.append("after \(threshold) acks")
            try await gateway.start()
        }
        try await posting.value
        let acks = acknowledged.value
        #expect(acks.count == Self.recordCount, "every post was eventually acknowledged")

        // While delivering under faults.
        func mockRequests() async throws -> Int {
            var total = 0
            for mock in [population, insurance] {
                total += (try await mock.faultSnapshot()["counters"] as? [String: Any])?["requests"] as? Int ?? 0
            }
            return total
        }
        for step in deliveryKillSteps {
            let base = try await mockRequests()
            var drained = false
            try await waitUntil(timeout: .seconds(30), "\(step) more requests at the mocks") {
                if try database.count("deliveries", where: "state <> 'succeeded'") == 0 {
                    drained = true
                    return true
                }
                return try await mockRequests() >= base + step
            }
            if drained { break }
            try await gateway.kill9()
            killMoments.append("after \(step) more mock requests")
            try await gateway.start()
        }
        let kills = await gateway.kills

        // The faults injected, then no more faults: everything acknowledged must drain.
        var injected: [String: [String: Any]] = [:]
        for mock in [population, insurance] {
            injected[mock.name] = try await mock.faultSnapshot()["counters"] as? [String: Any] ?? [:]
            try await mock.clearFaults()
        }
        let stuckStates: Set<String> = ["dead", "review", "needs_data", "discarded"]
        try await waitUntil(timeout: .seconds(60), "every delivery to end") {
            let states = try database.deliveryStates()
            return states.keys.allSatisfy { $0 == "succeeded" } || !stuckStates.isDisjoint(with: states.keys)
        }

        // Every acknowledged record, through the API: succeeded, and every delivery succeeded.
        let url = try await gateway.waitForURL(until: ContinuousClock.now + .seconds(10))
        let ids = Set(acks.values.map(\.id))
        var delivered = 0
        var notDelivered: [String] = []
        for (index, ack) in acks.sorted(by: { $0.key < $1.key }) {
            let view = try await TestHTTP.get(url + "/v1/records/\(ack.id)").json
            let deliveries = view["deliveries"] as? [[String: Any]] ?? []
            let allSucceeded = !deliveries.isEmpty && deliveries.allSatisfy { $0["state"] as? String == "succeeded" }
            if view["state"] as? String == "succeeded" && allSucceeded {
                delivered += 1
            } else {
                let states = deliveries.map { "\($0["operation"] ?? "?")=\($0["state"] ?? "?")" }.joined(separator: ",")
                notDelivered.append("#\(index) \(ack.id) \(view["state"] ?? "missing") [\(states)]")
            }
        }
        #expect(notDelivered.isEmpty, "not delivered: \(notDelivered.prefix(10))")

        // Destination side: each delivery's outbound key has exactly one effect at its mock.
        let effects = ["population": try await population.effects(), "insurance": try await insurance.effects()]
        let duplicated = effects.values.flatMap { $0.filter { $0.value != 1 } }
        #expect(duplicated.isEmpty, "effects other than 1: \(duplicated.prefix(10))")
        let sent = try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT destination, outbound_key, result FROM deliveries WHERE state = 'succeeded'"
            )
            .map { row -> (String, String, Bool) in
                let result = (row["result"] as String?) ?? ""
                return (row["destination"], row["outbound_key"], result.contains("\"skipped\""))
            }
        }
        let missingEffects = sent.filter { destination, key, skipped in !skipped && effects[destination]?[key] == nil }
        #expect(missingEffects.isEmpty, "succeeded without an effect at the destination: \(missingEffects.prefix(5))")

        // Nothing in flight (the operator command, and the file), one record per acknowledged id.
        let listed = try await ResilienceCLI.run([
            "deliveries", "list", "--config", configPath, "--data-dir", dataDirectory.path, "--state", "in_flight",
            "--json",
        ])
        #expect(listed.status == 0)
        let inFlightRows = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [Any])?.count
        #expect(inFlightRows == 0, "deliveries list --state in_flight: \(listed.stdout.prefix(300))")
        #expect(try database.count("deliveries", where: "state = 'in_flight'") == 0)
        let records = try database.count("records")
        #expect(records == ids.count)
        #expect(ids.count == Self.recordCount, "one id per record: \(ids.count)")

        // A retried post never makes a second record: every key again gives the same id, as a replay.
        var replayMismatches: [String] = []
        for (index, ack) in acks.sorted(by: { $0.key < $1.key }) {
            let again = try await TestHTTP.postRecord(url, lines[index], key: "resilience-kill-\(index)")
            if again.status != 202 || again.json["id"] as? String != ack.id
                || again.headers["idempotent-replayed"] != "true"
            {
                replayMismatches.append("#\(index): \(again.status) \(again.json["id"] ?? "-")")
            }
        }
        #expect(replayMismatches.isEmpty, "\(replayMismatches.prefix(5))")
        #expect(try database.count("records") == ids.count)

        let takenBack = try database.count("transitions", where: "cause LIKE 'lease of % expired%'")
        let attempts = try database.count("attempts")
        let deliveries = try database.count("deliveries")
        func describe(_ counters: [String: Any]?) -> String {
            guard let counters else { return "-" }
            let errors = (counters["errors"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }.map {
                "\($0.key)=\($0.value)"
            }
            return "requests=\(counters["requests"] ?? 0) errors{\(errors.joined(separator: ","))} "
                + "resets=\(counters["resets"] ?? 0) droppedReplies=\(counters["droppedReplies"] ?? 0)"
        }
        print(
            """
            figures (kill -9): records acknowledged=\(ids.count) delivered=\(delivered) lost=\(ids.count - delivered) \
            duplicated effects=\(duplicated.count) kills=\(kills) [\(killMoments.joined(separator: "; "))] \
            leases taken back=\(takenBack) deliveries=\(deliveries) attempts=\(attempts) \
            posts retried=\(acks.values.map(\.retries).reduce(0, +)) acks that were replays=\(acks.values.filter(\.replayed).count)
            figures (faults injected): population \(describe(injected["population"])); insurance \(describe(injected["insurance"]))
            """)
        #expect(kills >= 5)

        try await gateway.stop()
        await population.stop()
        await insurance.stop()
    }
}
