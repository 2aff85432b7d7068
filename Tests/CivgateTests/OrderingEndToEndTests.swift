import CivgateEngine
import CivgateModel
import Foundation
import Testing

/// Per person and destination, events go in registration order, even when an earlier-registered event
/// arrives after a later one that is already being retried; and a newer version of a record replaces
/// what its earlier version had not delivered, while a version after delivery goes as an update.
@Suite("Ordering and versions end to end")
struct OrderingEndToEndTests {
    static let failing = #"{"errorRates":[{"status":503,"rate":1.0,"retryAfterSeconds":0}]}"#

    /// Tiny retry delays and a breaker that probes again at once, so the test follows the faults quickly.
    static func quickRetries(_ configuration: inout GatewayConfiguration) {
        for name in ["population", "insurance"] {
            var retry = RetryPolicy()
            retry.baseDelay = .millis(10)
            retry.maxDelay = .millis(50)
            configuration.destinations[name]?.retry = retry
            configuration.destinations[name]?.breaker.openFor = .millis(20)
        }
    }

    /// The sample birth (version 1) and the same registration as version 2.
    static func twoVersions() throws -> (v1: [String: Any], v2: [String: Any]) {
        let fixed = try RecordJSON.object(at: TestIntake.sample("KS-2026-000000003.json"))
        return (fixed, RecordJSON.withSource(fixed, recordId: "KS-2026-000000003", version: 2))
    }

    static func deliveryID(_ view: [String: Any], _ operation: String) throws -> String {
        let deliveries = view["deliveries"] as? [[String: Any]] ?? []
        return try #require(deliveries.first { $0["operation"] as? String == operation }?["id"] as? String)
    }

    static func state(_ gateway: TwoDestinationGateway, _ id: String) async throws -> String {
        try await gateway.delivery(id)["state"] as? String ?? ""
    }

    @Test(
        "an earlier-registered change arriving after a death is delivered first; the death waits",
        .timeLimit(.minutes(2)))
    func earlierEventArrivesLater() async throws {
        // A death registered on 15 Nov and a change registered on 5 Nov, both about the person with PIN P.
        let generated = try #require(try RecordGenerator.lines(event: "death", count: 40, seed: 9, mix: "live").first)
        var death = RecordJSON.withRegistration(
            RecordJSON.withSource(try RecordJSON.object(generated), recordId: "KT-2026-900000077"), "date", "2026-11-15"
        )
        death = RecordJSON.withFreshPins(death, serial: 77)
        let pin = try #require(RecordJSON.subjects(death).first?["pin"] as? String)
        let marriage = try RecordJSON.object(at: TestIntake.sample("KH-2026-000000001.json"))
        var person = RecordJSON.subjects(marriage)[0]
        person["role"] = "person"
        person["pin"] = pin
        var change = RecordJSON.withRegistration(
            RecordJSON.withSource(marriage, recordId: "TD-2026-900000077"), "date", "2026-11-05")
        change["event"] = "change"
        change["marriage"] = nil
        change["subjects"] = [person]

        try await TwoDestinationHarness.withGateway(configure: Self.quickRetries) { gateway in
            let faults = try await TestHTTP.request(
                .PUT, gateway.populationURL + "/_mock/faults", body: Data(Self.failing.utf8),
                headers: ["Content-Type": "application/json"])
            #expect(faults.status == 200 || faults.status == 204)

            let deathView = try await gateway.post(try RecordJSON.data(death), key: "death-p")
            let recordDeath = try Self.deliveryID(deathView, "record-death")
            let reportDeath = try Self.deliveryID(deathView, "report-death")
            // The death is already being retried when the earlier change arrives.
            try await waitUntil("the death's first attempt failed") {
                (try await gateway.delivery(recordDeath)["attempts"] as? Int ?? 0) >= 1
            }
            let changeView = try await gateway.post(try RecordJSON.data(change), key: "change-p")
            let updateCitizen = try Self.deliveryID(changeView, "update-citizen")
            #expect(
                (changeView["deliveries"] as? [[String: Any]])?.count == 1,
                "no insurance step: the change names no identity field")

            try await waitUntil("the death waits behind the change, which is retried") {
                let death = try await gateway.delivery(recordDeath)
                let change = try await gateway.delivery(updateCitizen)
                return death["state"] as? String == "waiting" && (change["attempts"] as? Int ?? 0) >= 2
                    && ["retrying", "in_flight", "pending"].contains(change["state"] as? String ?? "")
            }
            let waiting = try await gateway.delivery(recordDeath)
            let causes = (waiting["transitions"] as? [[String: Any]] ?? []).compactMap { $0["cause"] as? String }
            #expect(causes.contains("waits for the person's earlier event \(updateCitizen)"), "\(causes)")
            // Insurance is another destination: the death is reported there regardless.
            try await waitUntil("the death reported to BHXH") {
                try await Self.state(gateway, reportDeath) == "succeeded"
            }
            #expect(try await Self.state(gateway, recordDeath) == "waiting")

            let cleared = try await TestHTTP.request(.DELETE, gateway.populationURL + "/_mock/faults")
            #expect(cleared.status == 200 || cleared.status == 204)
            try await waitUntil("both delivered") {
                let death = try await Self.state(gateway, recordDeath)
                let change = try await Self.state(gateway, updateCitizen)
                return death == "succeeded" && change == "succeeded"
            }

            // The Population Database processed the change before the death.
            let changeKey = try #require(try await gateway.delivery(updateCitizen)["outboundKey"] as? String)
            let deathKey = try #require(try await gateway.delivery(recordDeath)["outboundKey"] as? String)
            let received = try await TwoDestinationGateway.received(gateway.populationURL)
            let processed = { (key: String) in
                received.filter { $0["key"] as? String == key && $0["valid"] as? Bool == true }.compactMap {
                    $0["sequence"] as? Int
                }
            }
            #expect(processed(changeKey).count == 1 && processed(deathKey).count == 1)
            let changeSequence = try #require(processed(changeKey).first)
            let deathSequence = try #require(processed(deathKey).first)
            #expect(changeSequence < deathSequence, "change #\(changeSequence), death #\(deathSequence)")
            #expect(
                received.filter { $0["key"] as? String == deathKey }.count == 1,
                "the death was sent once, after the change")
            let effects = try await TwoDestinationGateway.effects(gateway.populationURL)
            #expect(effects[changeKey] == 1 && effects[deathKey] == 1)
        }
    }

    @Test(
        "version 2 replaces a parked version 1; version 3 of the delivered birth goes as updates",
        .timeLimit(.minutes(2)))
    func versions() async throws {
        let sample = TestIntake.sample("KS-2026-000000003.json")
        let fixed = try RecordJSON.object(at: sample)
        let authority = try #require((fixed["registration"] as? [String: Any])?["authority"] as? [String: Any])
        var unknownCommune = authority
        unknownCommune["code"] = "99999"
        let v1 = RecordJSON.withRegistration(fixed, "authority", unknownCommune)
        let v2 = RecordJSON.withSource(fixed, recordId: "KS-2026-000000003", version: 2)
        var v3 = RecordJSON.withSource(fixed, recordId: "KS-2026-000000003", version: 3)
        var subjects = RecordJSON.subjects(v3)
        var name = subjects[0]["name"] as? [String: Any] ?? [:]
        name["given"] = "HƯỜNG"
        name["full"] = "LÊ NGỌC HƯỜNG"
        subjects[0]["name"] = name
        v3["subjects"] = subjects

        try await TwoDestinationHarness.withGateway(configure: Self.quickRetries) { gateway in
            let first = try await gateway.post(try RecordJSON.data(v1), key: "birth-v1")
            let v1Pin = try Self.deliveryID(first, "assign-pin")
            let v1Card = try Self.deliveryID(first, "issue-child-card")
            try await waitUntil("version 1 parked") { try await Self.state(gateway, v1Pin) == "needs_data" }
            #expect(try await gateway.delivery(v1Pin)["missingFields"] as? [String] == ["registration.authority.code"])
            #expect(try await Self.state(gateway, v1Card) == "waiting")

            let second = try await gateway.post(try RecordJSON.data(v2), key: "birth-v2")
            let secondID = try #require(second["id"] as? String)
            for id in [v1Pin, v1Card] {
                let view = try await gateway.delivery(id)
                #expect(view["state"] as? String == "discarded")
                let last = (view["transitions"] as? [[String: Any]])?.last?["cause"] as? String ?? ""
                #expect(last.contains("superseded by version 2"), "\(last)")
            }
            try await waitUntil("version 2 delivered") {
                try await gateway.record(secondID)["state"] as? String == "succeeded"
            }
            let v2PinDelivery = try await gateway.delivery(try Self.deliveryID(second, "assign-pin"))
            let pin = try #require((v2PinDelivery["result"] as? [String: String])?["pin"])
            let v2Card = try await gateway.delivery(try Self.deliveryID(second, "issue-child-card"))
            #expect((v2Card["result"] as? [String: String])?["insuranceCode"] == pin)

            let third = try await gateway.post(try RecordJSON.data(v3), key: "birth-v3")
            let thirdID = try #require(third["id"] as? String)
            let operations = (third["deliveries"] as? [[String: Any]] ?? []).compactMap { $0["operation"] as? String }
            #expect(operations.sorted() == ["update-citizen", "update-participant"])
            try await waitUntil("version 3 delivered") {
                try await gateway.record(thirdID)["state"] as? String == "succeeded"
            }

            let update = try await gateway.delivery(try Self.deliveryID(third, "update-citizen"))
            let updateKey = try #require(update["outboundKey"] as? String)
            let population = try await TwoDestinationGateway.received(gateway.populationURL)
            let sent = try #require(population.first { $0["key"] as? String == updateKey })
            #expect(sent["operation"] as? String == "update-citizen" && sent["valid"] as? Bool == true)
            let body = sent["body"] as? String ?? ""
            #expect(body.contains("<dc:SoDinhDanh>\(pin)</dc:SoDinhDanh>"))
            #expect(body.contains("<dc:LoaiSuKien>birth</dc:LoaiSuKien>"))
            #expect(body.contains("LÊ NGỌC HƯỜNG"))
            #expect(
                population.filter { $0["operation"] as? String == "assign-pin" }.count == 1, "one PIN request in all")

            let participant = try await gateway.delivery(try Self.deliveryID(third, "update-participant"))
            let participantKey = try #require(participant["outboundKey"] as? String)
            let insurance = try await TwoDestinationGateway.received(gateway.insuranceURL)
            let updated = try #require(insurance.first { $0["key"] as? String == participantKey })
            #expect(updated["operation"] as? String == "update-participant" && updated["valid"] as? Bool == true)
            let updatedBody = updated["body"] as? String ?? ""
            #expect(updatedBody.contains("\"maSoBHXH\":\"\(pin)\""))
            #expect(insurance.filter { $0["operation"] as? String == "issue-child-card" }.count == 1, "one card in all")
        }
    }

    @Test(
        "version 2 waits while version 1 is in flight at the same destination, and goes once version 1 is done",
        .timeLimit(.minutes(2)))
    func versionWaitsForVersionInFlight() async throws {
        let (fixed, v2) = try Self.twoVersions()
        // No PIN names the newborn: only the registration ties the two versions together.
        #expect(RecordJSON.subjects(fixed).allSatisfy { $0["role"] as? String != "child" || $0["pin"] == nil })

        // Version 1's attempt ends when civgate gives up after 8 s: the window in which version 2 arrives.
        let holding = { (configuration: inout GatewayConfiguration) in
            Self.quickRetries(&configuration)
            configuration.destinations["population"]?.requestTimeout = .seconds(8)
        }
        try await TwoDestinationHarness.withGateway(configure: holding) { gateway in
            // The Population Database holds every request without answering.
            let hold = #"{"blackHoleRate":1.0,"blackHoleMaxHoldSeconds":60}"#
            let faults = try await TestHTTP.request(
                .PUT, gateway.populationURL + "/_mock/faults", body: Data(hold.utf8),
                headers: ["Content-Type": "application/json"])
            #expect(faults.status == 200 || faults.status == 204)

            let first = try await gateway.post(try RecordJSON.data(fixed), key: "held-v1")
            let v1Pin = try Self.deliveryID(first, "assign-pin")
            try await waitUntil("version 1 in flight") { try await Self.state(gateway, v1Pin) == "in_flight" }

            let second = try await gateway.post(try RecordJSON.data(v2), key: "held-v2")
            let v2Pin = try Self.deliveryID(second, "assign-pin")
            let waiting = try await gateway.delivery(v2Pin)
            #expect(waiting["state"] as? String == "waiting", "\(waiting)")
            let causes = (waiting["transitions"] as? [[String: Any]] ?? []).compactMap { $0["cause"] as? String }
            #expect(causes == ["accepted; waits for the person's earlier event \(v1Pin)"], "\(causes)")
            // Only now: whatever ends version 1's attempt, version 2's goes to a healthy destination.
            let cleared = try await TestHTTP.request(.DELETE, gateway.populationURL + "/_mock/faults")
            #expect(cleared.status == 200 || cleared.status == 204)

            let secondID = try #require(second["id"] as? String)
            try await waitUntil("version 2 delivered") {
                try await gateway.record(secondID)["state"] as? String == "succeeded"
            }
            #expect(try await Self.state(gateway, v1Pin) == "discarded")
            let released = try await gateway.delivery(v2Pin)
            let releases = (released["transitions"] as? [[String: Any]] ?? []).compactMap { $0["cause"] as? String }
            #expect(releases.contains("released: \(v1Pin) finished"), "\(releases)")
        }
    }

    @Test(
        "a version that arrives after a newer one is kept and answered, and sent nowhere",
        .timeLimit(.minutes(2)))
    func lateOlderVersionIsNotSent() async throws {
        let (fixed, v2) = try Self.twoVersions()
        try await TwoDestinationHarness.withGateway(configure: Self.quickRetries) { gateway in
            let second = try await gateway.post(try RecordJSON.data(v2), key: "late-v2")
            let secondID = try #require(second["id"] as? String)
            try await waitUntil("version 2 delivered") {
                try await gateway.record(secondID)["state"] as? String == "succeeded"
            }

            let first = try await gateway.post(try RecordJSON.data(fixed), key: "late-v1")
            #expect(first["state"] as? String == "discarded", "\(first)")
            let warnings = (first["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(warnings.contains("superseded-on-arrival"), "\(warnings)")
            let deliveries = first["deliveries"] as? [[String: Any]] ?? []
            #expect(deliveries.count == 2)
            for delivery in deliveries {
                let view = try await gateway.delivery(try #require(delivery["id"] as? String))
                #expect(view["state"] as? String == "discarded")
                let causes = (view["transitions"] as? [[String: Any]] ?? []).compactMap { $0["cause"] as? String }
                #expect(causes == ["superseded on arrival: version 2 (\(secondID)) is newer"], "\(causes)")
            }
            let firstID = try #require(first["id"] as? String)
            #expect(try await gateway.record(firstID)["state"] as? String == "discarded")
            // Discarded on arrival: no claim can take version 1's deliveries; version 2 stays as it was.
            #expect(try await gateway.record(secondID)["state"] as? String == "succeeded")
        }
    }
}
