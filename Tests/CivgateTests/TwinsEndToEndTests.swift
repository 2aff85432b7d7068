import CivgateModel
import Foundation
import Testing

/// Twins share every personal field: the Population Database suspects the second is a duplicate, the
/// delivery waits for a person, and an operator's confirmation resends it with `XacNhanSinhDoi=true`
/// under the same outbound key; the second child then gets its own PIN and its own card.
@Suite("Twins end to end")
struct TwinsEndToEndTests {
    static func resolve(_ gateway: TwoDestinationGateway, _ id: String, _ body: [String: String]) async throws
        -> TestHTTP.Reply
    {
        try await TestHTTP.request(
            .POST, gateway.baseURL + "/v1/deliveries/\(id)/resolve",
            body: try JSONSerialization.data(withJSONObject: body),
            headers: ["Content-Type": "application/json"])
    }

    static func deliveryID(_ view: [String: Any], _ operation: String) throws -> String {
        let deliveries = view["deliveries"] as? [[String: Any]] ?? []
        return try #require(deliveries.first { $0["operation"] as? String == operation }?["id"] as? String)
    }

    @Test("the second twin waits in review, is confirmed, gets a second PIN and its card", .timeLimit(.minutes(2)))
    func twins() async throws {
        let twinA = try Data(contentsOf: TestIntake.fixture("valid", "twin-a.json"))
        let twinB = try Data(contentsOf: TestIntake.fixture("valid", "twin-b.json"))
        try await TwoDestinationHarness.withGateway { gateway in
            let a = try await gateway.post(twinA, key: "twin-a")
            let aID = try #require(a["id"] as? String)
            try await waitUntil("twin A delivered") { try await gateway.record(aID)["state"] as? String == "succeeded" }
            let aView = try await gateway.record(aID)
            let aPin = try #require(
                (aView["deliveries"] as? [[String: Any]])?.first { $0["operation"] as? String == "assign-pin" }?[
                    "result"] as? [String: String])["pin"]

            let b = try await gateway.post(twinB, key: "twin-b")
            let bID = try #require(b["id"] as? String)
            let pinStep = try Self.deliveryID(b, "assign-pin")
            let cardStep = try Self.deliveryID(b, "issue-child-card")
            try await waitUntil("twin B's assign-pin under review") {
                try await gateway.delivery(pinStep)["state"] as? String == "review"
            }
            let underReview = try await gateway.delivery(pinStep)
            #expect((underReview["lastError"] as? [String: Any])?["code"] as? String == "suspected-duplicate")
            #expect(try await gateway.delivery(cardStep)["state"] as? String == "waiting")

            // A resolution needs a reason.
            let noReason = try await Self.resolve(
                gateway, pinStep, ["action": "confirm-multiple-birth", "actor": "test"])
            #expect(noReason.status == 422)
            #expect(try await gateway.delivery(pinStep)["state"] as? String == "review")

            let resolved = try await Self.resolve(
                gateway, pinStep,
                ["action": "confirm-multiple-birth", "reason": "twins confirmed by the commune", "actor": "test"])
            #expect(resolved.status == 200)
            try await waitUntil("twin B delivered") { try await gateway.record(bID)["state"] as? String == "succeeded" }

            let bView = try await gateway.delivery(pinStep)
            let bPin = try #require((bView["result"] as? [String: String])?["pin"])
            #expect(PersonalIdentificationNumber(bPin) != nil)
            #expect(bPin != aPin)
            let causes = (bView["transitions"] as? [[String: Any]] ?? []).compactMap { $0["cause"] as? String }
            #expect(
                causes.contains { $0.contains("resolved by test") && $0.contains("twins confirmed by the commune") })
            let card = try await gateway.delivery(cardStep)
            #expect(card["state"] as? String == "succeeded")
            #expect((card["result"] as? [String: String])?["insuranceCode"] == bPin)

            // The mock saw the duplicate without confirmation, then the confirmed resend under the same key.
            let key = try #require(bView["outboundKey"] as? String)
            let sent = try await TwoDestinationGateway.received(gateway.populationURL).filter {
                $0["key"] as? String == key
            }
            #expect(sent.map { $0["outcome"] as? String ?? "" } == ["NGHI_TRUNG", "DA_CAP"])
            #expect(sent.allSatisfy { $0["valid"] as? Bool == true })
            let bodies = sent.map { $0["body"] as? String ?? "" }
            #expect(bodies.first?.contains("XacNhanSinhDoi") == false)
            #expect(bodies.last?.contains("<dc:XacNhanSinhDoi>true</dc:XacNhanSinhDoi>") == true)
            #expect(sent.last?["pin"] as? String == bPin)
            // One card per twin, each on its own PIN.
            let cards = try await TwoDestinationGateway.received(gateway.insuranceURL).filter {
                $0["operation"] as? String == "issue-child-card"
            }
            #expect(cards.count == 2)
            #expect(
                Set(
                    cards.compactMap {
                        ($0["body"] as? String).flatMap { $0.firstMatch(of: /"maSoBHXH":"([0-9]{12})"/)?.1 }.map(
                            String.init)
                    }) == [aPin ?? "", bPin])

            // A succeeded delivery is not resolvable.
            let again = try await Self.resolve(
                gateway, pinStep,
                ["action": "confirm-multiple-birth", "reason": "twins confirmed by the commune", "actor": "test"])
            #expect(again.status == 409)
        }
    }
}
