import CivgateModel
import Foundation
import InsuranceAdapter
import Testing

/// Every message shape the insurance adapter produces, against `Golden/insurance/<operation>/NAME.json`.
///
/// `CIVGATE_RECORD_GOLDEN=1 swift test --filter InsuranceGolden` rewrites the files; review the diff.
/// Files hold the body pretty-printed; the comparison is on the JSON value, and the bytes sent are
/// checked separately to be compact with sorted keys.
@Suite("Insurance golden messages")
struct InsuranceGoldenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var operation: String
        var record: String
        var upstreamPIN: String?
        var settings: [String: String] = [:]
        var testDescription: String { "\(operation)/\(name)" }
    }

    static let cases: [Case] = [
        Case(
            name: "live-birth-upstream-pin", operation: "issue-child-card", record: "KS-2026-000000003.json",
            upstreamPIN: "001326004711"),
        Case(name: "historical-birth-child-pin", operation: "issue-child-card", record: "KS-2002-000000000.json"),
        Case(
            name: "birth-province-default-facility", operation: "issue-child-card", record: "KS-2026-000000006.json",
            upstreamPIN: "001226004712", settings: ["defaultFacility.001": "01001"]),
        Case(
            name: "historical-birth-merged-province", operation: "issue-child-card", record: "KS-1974-000000002.json",
            upstreamPIN: "034074004713"),
        Case(name: "death", operation: "report-death", record: "death-live.json"),
        Case(name: "correction-sex", operation: "update-participant", record: "correction-sex.json"),
    ]

    static var recording: Bool { ProcessInfo.processInfo.environment["CIVGATE_RECORD_GOLDEN"] == "1" }

    @Test("message matches its golden file", arguments: cases)
    func golden(_ golden: Case) throws {
        let record = try InsuranceFixtures.record(named: golden.record)
        let job = InsuranceFixtures.job(record, golden.operation, upstreamPIN: golden.upstreamPIN)
        let request = try InsuranceFixtures.request(InsuranceAdapter(settings: golden.settings).prepare(job))
        #expect(request.method == "POST")
        #expect(request.headers == ["Idempotency-Key": job.outboundKey])
        #expect(request.contentType == "application/json; charset=utf-8")
        let body = try JSONValue.parse(request.body)
        #expect(body["maYeuCau"]?.stringValue == job.outboundKey)
        #expect(Array(try body.canonicalBytes()) == request.body, "the body is compact JSON with sorted keys")

        let file = TestPaths.golden.appendingPathComponent("insurance/\(golden.operation)/\(golden.name).json")
        if Self.recording {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Self.pretty(body).write(to: file)
            return
        }
        guard let stored = try? Data(contentsOf: file) else {
            Issue.record("missing \(file.path); run with CIVGATE_RECORD_GOLDEN=1 and review it")
            return
        }
        let expected = try JSONValue.parse(stored)
        let rendered = String(decoding: try Self.pretty(body), as: UTF8.self)
        #expect(expected == body, "\(golden.testDescription) differs from its golden file:\n\(rendered)")
    }

    @Test("the paths per operation are the contract's")
    func paths() {
        #expect(InsuranceAdapter.issueChildCardPath == "/bhyt/v1/the-tre-em")
        #expect(InsuranceAdapter.reportDeathPath == "/bhyt/v1/bao-tu")
        #expect(InsuranceAdapter.updateParticipantPath == "/bhyt/v1/cap-nhat")
    }

    static func pretty(_ value: JSONValue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }
}
