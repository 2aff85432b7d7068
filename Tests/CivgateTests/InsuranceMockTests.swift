import CivgateModel
import Foundation
import InsuranceAdapter
import InsuranceMock
import Testing

/// The mock BHXH over real HTTP: idempotency by key, one card per PIN, unknown participants, refusals,
/// and the adapter's reading of each reply.
@Suite("Insurance mock")
struct InsuranceMockTests {
    private func cardJob(upstreamPIN: String = "001326004711", version: Int = 1) throws -> DeliveryJob {
        var record = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        record.source.version = version
        return InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: upstreamPIN)
    }

    private func requests(_ baseURL: String) async throws -> [[String: Any]] {
        let reply = try await TestHTTP.get(baseURL + "/_mock/requests")
        return try #require(try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]])
    }

    @Test("a repeated key returns the first card (201, then 200 with the same body) and creates nothing twice")
    func dedupeByKey() async throws {
        let adapter = InsuranceAdapter()
        let job = try cardJob()
        let request = try InsuranceFixtures.request(adapter.prepare(job))
        try await InsuranceMockServer.with { baseURL in
            let first = try await InsuranceMockServer.send(request, to: baseURL)
            let second = try await InsuranceMockServer.send(request, to: baseURL)
            #expect(first.status == 201)
            #expect(second.status == 200)
            #expect(first.body == second.body)
            let outcome = adapter.classify(InsuranceMockServer.destinationReply(first), for: job)
            guard case .success(let result) = outcome else {
                Issue.record("not a success: \(outcome)")
                return
            }
            #expect(result["cardCode"] == "TE1011326004711")
            #expect(result["validTo"] == "2032-09-30")
            #expect(result["insuranceCode"] == "001326004711")
            #expect(adapter.classify(InsuranceMockServer.destinationReply(second), for: job) == outcome)
            let effects = try await TestHTTP.get(baseURL + "/_mock/effects").json
            #expect(effects as? [String: Int] == [job.outboundKey: 1])
            let log = try await requests(baseURL)
            #expect(log.map { $0["replayed"] as? Bool } == [false, true])
            #expect(log.map { $0["sequence"] as? Int } == [1, 2])
            #expect(log.allSatisfy { $0["valid"] as? Bool == true && $0["operation"] as? String == "issue-child-card" })
        }
    }

    @Test("a second key for the same PIN gets 409 DA_TON_TAI with the existing card, stored as success")
    func oneCardPerPIN() async throws {
        let adapter = InsuranceAdapter()
        let first = try cardJob(version: 1)
        let second = try cardJob(version: 2)
        #expect(first.outboundKey != second.outboundKey)
        try await InsuranceMockServer.with { baseURL in
            let created = try await InsuranceMockServer.send(
                try InsuranceFixtures.request(adapter.prepare(first)), to: baseURL)
            let existing = try await InsuranceMockServer.send(
                try InsuranceFixtures.request(adapter.prepare(second)), to: baseURL)
            #expect(created.status == 201)
            #expect(existing.status == 409)
            #expect(existing.json["trangThai"] as? String == "DA_TON_TAI")
            #expect((existing.json["the"] as? [String: Any])?["maThe"] as? String == "TE1011326004711")
            let outcome = adapter.classify(InsuranceMockServer.destinationReply(existing), for: second)
            #expect(outcome == adapter.classify(InsuranceMockServer.destinationReply(created), for: first))
            let effects = try await TestHTTP.get(baseURL + "/_mock/effects").json
            #expect(effects.count == 2)
        }
    }

    @Test("an invalid message is a 422 naming the member, and is not bound to its key")
    func refusalNotRemembered() async throws {
        let adapter = InsuranceAdapter()
        let job = try cardJob()
        var request = try InsuranceFixtures.request(adapter.prepare(job))
        let good = request.body
        request.body = Array(
            String(decoding: good, as: UTF8.self).replacingOccurrences(of: "2032-09-30", with: "2032-10-31").utf8)
        try await InsuranceMockServer.with { baseURL in
            let refused = try await InsuranceMockServer.send(request, to: baseURL)
            #expect(refused.status == 422)
            #expect(refused.json["trangThai"] as? String == "KHONG_HOP_LE")
            let problems = try #require(refused.json["loi"] as? [[String: String]])
            #expect(problems.map { $0["truong"] } == ["giaTriDen"])
            guard
                case .permanent(let code, let detail) = adapter.classify(
                    InsuranceMockServer.destinationReply(refused), for: job)
            else {
                Issue.record("a 422 must be permanent")
                return
            }
            #expect(code == "contract-violation")
            #expect(detail.hasPrefix("giaTriDen: "))
            request.body = good
            #expect(try await InsuranceMockServer.send(request, to: baseURL).status == 201)
            let log = try await requests(baseURL)
            #expect(log.first?["valid"] as? Bool == false)
            #expect((log.first?["error"] as? String)?.contains("giaTriDen") == true)
        }
    }

    @Test("a missing Idempotency-Key or a body that is not an object is a 400; a key other than maYeuCau a 422")
    func unreadable() async throws {
        let request = try InsuranceFixtures.request(InsuranceAdapter().prepare(try cardJob()))
        try await InsuranceMockServer.with { baseURL in
            let url = baseURL + InsuranceAdapter.issueChildCardPath
            let noKey = try await TestHTTP.request(
                .POST, url, body: Data(request.body), headers: ["Content-Type": "application/json"])
            #expect(noKey.status == 400)
            #expect((noKey.json["loi"] as? [[String: String]])?.first?["truong"] == "Idempotency-Key")
            let array = try await TestHTTP.request(
                .POST, url, body: Data("[]".utf8), headers: ["Idempotency-Key": "k-1"])
            #expect(array.status == 400)
            let otherKey = try await TestHTTP.request(
                .POST, url, body: Data(request.body), headers: ["Idempotency-Key": "k-2"])
            #expect(otherKey.status == 422)
            #expect((otherKey.json["loi"] as? [[String: String]])?.map { $0["truong"] } == ["maYeuCau"])
        }
    }

    @Test("a death is recorded once per key; a PIN without participant is 404 and needs review")
    func deaths() async throws {
        let adapter = InsuranceAdapter()
        var record = try InsuranceFixtures.record(named: "death-live.json")
        let known = InsuranceFixtures.job(record, "report-death")
        record.subjects[0].pin = "079041000000"
        record.source.recordId = "KT-2026-900000009"
        let unknown = InsuranceFixtures.job(record, "report-death")
        try await InsuranceMockServer.with { baseURL in
            let request = try InsuranceFixtures.request(adapter.prepare(known))
            let first = try await InsuranceMockServer.send(request, to: baseURL)
            let again = try await InsuranceMockServer.send(request, to: baseURL)
            #expect(first.status == 200 && again.status == 200)
            #expect(adapter.classify(InsuranceMockServer.destinationReply(first), for: known) == .success(result: [:]))
            let missing = try await InsuranceMockServer.send(
                try InsuranceFixtures.request(adapter.prepare(unknown)), to: baseURL)
            #expect(missing.status == 404)
            guard
                case .review(let code, _) = adapter.classify(
                    InsuranceMockServer.destinationReply(missing), for: unknown)
            else {
                Issue.record("a 404 must go to review")
                return
            }
            #expect(code == "participant-not-found")
            let effects = try await TestHTTP.get(baseURL + "/_mock/effects").json
            #expect(effects as? [String: Int] == [known.outboundKey: 1])
        }
    }

    @Test("an update is accepted for a known participant; a re-issued PIN moves the card")
    func updates() async throws {
        let adapter = InsuranceAdapter()
        let job = InsuranceFixtures.job(
            try InsuranceFixtures.record(named: "correction-sex.json"), "update-participant")
        try await InsuranceMockServer.with { baseURL in
            let reply = try await InsuranceMockServer.send(
                try InsuranceFixtures.request(adapter.prepare(job)), to: baseURL)
            #expect(reply.status == 200)
            #expect(adapter.classify(InsuranceMockServer.destinationReply(reply), for: job) == .success(result: [:]))

            _ = try await InsuranceMockServer.send(
                try InsuranceFixtures.request(adapter.prepare(try cardJob())), to: baseURL)
            let move =
                #"{"maYeuCau":"move-1","maSoBHXH":"001327004711","maSoBHXHCu":"001326004711","gioiTinh":1,"hoSoNguon":{"heThong":"h","maHoSo":"m","phienBan":2}}"#
            let moved = try await TestHTTP.request(
                .POST, baseURL + InsuranceAdapter.updateParticipantPath, body: Data(move.utf8),
                headers: ["Idempotency-Key": "move-1"])
            #expect(moved.status == 200)
            let again = try await InsuranceMockServer.send(
                try InsuranceFixtures.request(adapter.prepare(try cardJob(upstreamPIN: "001327004711", version: 3))),
                to: baseURL)
            #expect(again.status == 409)
        }
    }

    @Test("reset forgets everything; healthz answers")
    func resetAndHealth() async throws {
        try await InsuranceMockServer.with { baseURL in
            #expect(try await TestHTTP.get(baseURL + "/healthz").json["status"] as? String == "ok")
            let request = try InsuranceFixtures.request(InsuranceAdapter().prepare(try cardJob()))
            #expect(try await InsuranceMockServer.send(request, to: baseURL).status == 201)
            #expect(try await TestHTTP.request(.POST, baseURL + "/_mock/reset").status == 204)
            #expect(try await requests(baseURL).isEmpty)
            #expect(try await InsuranceMockServer.send(request, to: baseURL).status == 201)
        }
    }
}
