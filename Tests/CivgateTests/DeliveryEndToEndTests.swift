import CivgateEngine
import CivgateModel
import Foundation
import GRDB
import Testing

/// Records posted over HTTP reach the population mock, and its PIN becomes the delivery's result;
/// failures are retried with backoff and dead-lettered after the maximum attempts.
@Suite("Delivery end to end")
struct DeliveryEndToEndTests {
    @Test("20 generated births end succeeded with a structurally valid PIN; the mock got 20 valid messages")
    func twentyBirths() async throws {
        let births = Array(try RecordGenerator.lines(event: "birth", count: 60, seed: 42, mix: "live").prefix(20))
        #expect(births.count == 20)
        try await GatewayHarness.withGateway { gateway in
            let idsByIndex = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for (index, body) in births.enumerated() {
                    group.addTask {
                        let reply = try await TestHTTP.postRecord(gateway.baseURL, body, key: "birth-\(index)")
                        #expect(reply.status == 202)
                        return (index, reply.json["id"] as? String ?? "")
                    }
                }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            let ids = births.indices.map { idsByIndex[$0]! }
            try await waitUntil("20 records succeeded") {
                try gateway.count("deliveries", where: "state = 'succeeded'") == 20
            }
            let mockURL = try #require(gateway.mockURL)
            let received = try await TestHTTP.get(mockURL + "/_mock/requests")
            let requests = try #require(try JSONSerialization.jsonObject(with: received.body) as? [[String: Any]])
            #expect(requests.count == 20)
            #expect(requests.allSatisfy { $0["valid"] as? Bool == true && $0["outcome"] as? String == "DA_CAP" })
            let effects = try await TestHTTP.get(mockURL + "/_mock/effects").json
            #expect(effects.count == 20)
            #expect(effects.values.allSatisfy { $0 as? Int == 1 })

            for (id, body) in zip(ids, births) {
                let record = try JSONDecoder().decode(CivilRecord.self, from: body)
                let child = try #require(record.subject("child"))
                let view = try await TestHTTP.get(gateway.baseURL + "/v1/records/\(id)").json
                #expect(view["state"] as? String == "succeeded")
                let delivery = try #require((view["deliveries"] as? [[String: Any]])?.first)
                let pinText = try #require((delivery["result"] as? [String: String])?["pin"])
                let pin = try #require(PersonalIdentificationNumber(pinText))
                #expect(pin.sex == child.sex)
                #expect(pin.birthYear == child.birthDate?.year)
                let sent = requests.first { ($0["pin"] as? String) == pinText }?["body"] as? String ?? ""
                #expect(sent.contains("<dc:MaTinh>\(pin.provinceCode)</dc:MaTinh>"))
            }
        }
    }

    @Test("an unreachable destination is retried with backoff, then dead-lettered with every attempt kept")
    func retryThenDead() async throws {
        let closedPort = try ClosedPort.make()
        try await GatewayHarness.withGateway(
            destinationURL: "http://127.0.0.1:\(closedPort)",
            configure: { configuration in
                var retry = RetryPolicy()
                retry.baseDelay = .millis(10)
                retry.maxDelay = .millis(40)
                retry.maxAttempts = 3
                configuration.destinations["population"]?.retry = retry
                // AsyncHTTPClient retries a refused connection until the connect timeout: keep it short.
                configuration.destinations["population"]?.connectTimeout = .millis(200)
            }
        ) { gateway in
            let body = try Data(contentsOf: TestPaths.samples.appendingPathComponent("KS-2026-000000003.json"))
            let accepted = try await TestHTTP.postRecord(gateway.baseURL, body, key: "unreachable")
            let deliveryID = try #require((accepted.json["deliveries"] as? [[String: Any]])?.first?["id"] as? String)
            try await waitUntil("the delivery is dead") {
                try gateway.count("deliveries", where: "state = 'dead'") == 1
            }
            let view = try await TestHTTP.get(gateway.baseURL + "/v1/deliveries/\(deliveryID)").json
            #expect(view["attempts"] as? Int == 3)
            let attempts = try #require(view["attemptLog"] as? [[String: Any]])
            #expect(attempts.count == 3)
            // AsyncHTTPClient retries a refused connection until the connect timeout; on a loaded machine
            // the timeout can come before it has seen a refusal, and it reports that instead.
            #expect(
                attempts.allSatisfy {
                    $0["outcome"] as? String == "retryable"
                        && ["connect-error", "timeout"].contains($0["errorClass"] as? String ?? "")
                })
            let states = (view["transitions"] as? [[String: Any]] ?? []).compactMap { $0["to"] as? String }
            #expect(states == ["pending", "in_flight", "retrying", "in_flight", "retrying", "in_flight", "dead"])
            #expect(
                ["connect-error", "timeout"].contains((view["lastError"] as? [String: Any])?["code"] as? String ?? ""))
            // One outbound key for every attempt.
            let digests = Set(attempts.compactMap { $0["requestDigest"] as? String })
            #expect(digests.count == 1)
        }
    }
}

/// A loopback port with nothing listening: bind one, note it, close it.
enum ClosedPort {
    static func make() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
