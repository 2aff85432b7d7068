import CivgateModel
import Foundation
import InsuranceAdapter
import InsuranceMock
import Testing

/// The adapter's messages against the contract, two ways: the mock's hand-written checks and the
/// OpenAPI component schemas read by the engine's JSON Schema validator. They must agree.
@Suite("Insurance contract conformance")
struct InsuranceContractTests {
    /// Every message from the shared samples, the golden input records and 2,000 generated records (all
    /// events, both mixes).
    @Test("every message built from all samples and 2,000 generated records passes the mock and the OpenAPI schema")
    func everyMessageConforms() throws {
        let intake = try TestIntake.make()
        var inputs = TestPaths.jsonFiles(in: TestPaths.samples).map { try? Data(contentsOf: $0) }.compactMap { $0 }
        inputs += TestPaths.jsonFiles(in: InsuranceFixtures.recordsFolder).compactMap { try? Data(contentsOf: $0) }
        #expect(inputs.count >= 14)
        inputs += try RecordGenerator.lines(count: 1000, seed: 20261120)
        inputs += try RecordGenerator.lines(count: 500, seed: 20261121, mix: "live")
        inputs += try RecordGenerator.lines(count: 500, seed: 20261122, mix: "historical")
        let document = try InsuranceOpenAPI.document()
        var schemas: [String: SchemaValidator] = [:]
        for operation in InsuranceOpenAPI.schemaNames.keys {
            schemas[operation] = try InsuranceOpenAPI.validator(for: operation, in: document)
        }
        let adapter = InsuranceAdapter(settings: InsuranceFixtures.allProvinceDefaults)
        var sent: [String: Int] = [:]
        for (index, data) in inputs.enumerated() {
            let record = try InsuranceFixtures.record(data, intake: intake)
            for (operation, pin) in InsuranceFixtures.operations(for: record, serial: index) {
                let job = InsuranceFixtures.job(record, operation, upstreamPIN: pin)
                let request = try InsuranceFixtures.request(adapter.prepare(job))
                let value = try JSONValue.parse(request.body)
                let name = "\(record.source.recordId) \(operation)"
                let mock = InsuranceContract.violations(
                    try #require(InsuranceContract.Operation(rawValue: operation)), body: request.body)
                #expect(mock.isEmpty, "\(name): \(mock)")
                let schema = try #require(schemas[operation]).validate(value)
                #expect(schema.isEmpty, "\(name): \(schema.map { "\($0.path) \($0.code)" })")
                #expect(!Self.hasNullOrEmpty(value), "\(name) carries a null or an empty string")
                sent[operation, default: 0] += 1
            }
        }
        #expect(sent["issue-child-card", default: 0] > 400)
        #expect(sent["report-death", default: 0] > 100)
        #expect(sent["update-participant", default: 0] > 500)
    }

    @Test("the mock and the OpenAPI schema agree on removed, null and unknown members")
    func mutationsAgree() throws {
        let document = try InsuranceOpenAPI.document()
        for golden in InsuranceGoldenTests.cases {
            let record = try InsuranceFixtures.record(named: golden.record)
            let request = try InsuranceFixtures.request(
                InsuranceAdapter(settings: golden.settings).prepare(
                    InsuranceFixtures.job(record, golden.operation, upstreamPIN: golden.upstreamPIN)))
            guard case .object(let members) = try JSONValue.parse(request.body) else {
                Issue.record("not an object")
                continue
            }
            let schema = try InsuranceOpenAPI.validator(for: golden.operation, in: document)
            let operation = try #require(InsuranceContract.Operation(rawValue: golden.operation))
            var variants: [(String, JSONValue)] = [
                ("unknown member", .object(members.merging(["thuaRa": .string("x")]) { $1 }))
            ]
            for key in members.keys.sorted() {
                var removed = members
                removed[key] = nil
                variants.append(("without \(key)", .object(removed)))
                var nulled = members
                nulled[key] = .null
                variants.append(("\(key) null", .object(nulled)))
                if case .object(let inner) = members[key]! {
                    for innerKey in inner.keys.sorted() {
                        var nested = inner
                        nested[innerKey] = nil
                        var outer = members
                        outer[key] = .object(nested)
                        variants.append(("without \(key).\(innerKey)", .object(outer)))
                    }
                }
            }
            for (label, variant) in variants {
                let mockAccepts = InsuranceContract.violations(operation, document: variant).isEmpty
                let schemaAccepts = schema.validate(variant).isEmpty
                #expect(
                    mockAccepts == schemaAccepts,
                    "\(golden.testDescription) \(label): mock \(mockAccepts), schema \(schemaAccepts)")
            }
        }
    }

    struct Violation: Sendable, CustomTestStringConvertible {
        var operation: String
        var label: String
        var member: String
        var value: JSONValue?
        var expected: String
        var testDescription: String { "\(operation): \(label)" }
    }

    static let violations: [Violation] = [
        Violation(
            operation: "issue-child-card", label: "PIN of 11 digits", member: "maSoBHXH", value: .string("00132600471"),
            expected: "maSoBHXH"),
        Violation(
            operation: "issue-child-card", label: "end date one day off", member: "giaTriDen",
            value: .string("2032-10-01"), expected: "giaTriDen"),
        Violation(
            operation: "issue-child-card", label: "start date not the birth date", member: "giaTriTu",
            value: .string("2026-09-25"), expected: "giaTriTu"),
        Violation(
            operation: "issue-child-card", label: "birth date to the month", member: "ngaySinh",
            value: .object(["giaTri": .string("2026-09"), "doChinhXac": .string("month")]),
            expected: "ngaySinh.doChinhXac"),
        Violation(
            operation: "issue-child-card", label: "a date that does not exist", member: "ngaySinh",
            value: .object(["giaTri": .string("2026-02-30"), "doChinhXac": .string("day")]), expected: "ngaySinh.giaTri"
        ),
        Violation(
            operation: "issue-child-card", label: "a province closed in 2025", member: "maTinh", value: .string("034"),
            expected: "maTinh"),
        Violation(
            operation: "issue-child-card", label: "sex as a string", member: "gioiTinh", value: .string("1"),
            expected: "gioiTinh"),
        Violation(
            operation: "issue-child-card", label: "benefit level 2", member: "mucHuong", value: .integer(2),
            expected: "mucHuong"),
        Violation(
            operation: "issue-child-card", label: "facility of 4 characters", member: "noiDangKyKCBBanDau",
            value: .object(["ma": .string("7903"), "nguon": .string("co-so-sinh")]), expected: "noiDangKyKCBBanDau.ma"),
        Violation(
            operation: "issue-child-card", label: "mother sent empty", member: "me", value: .object([:]),
            expected: "me.hoTen"),
        Violation(operation: "issue-child-card", label: "father null", member: "cha", value: .null, expected: "cha"),
        Violation(
            operation: "issue-child-card", label: "unknown member", member: "thuaRa", value: .string("x"),
            expected: "thuaRa"),
        Violation(operation: "issue-child-card", label: "no name", member: "hoTen", value: nil, expected: "hoTen"),
        Violation(
            operation: "issue-child-card", label: "version 0", member: "hoSoNguon",
            value: .object(["heThong": .string("h"), "maHoSo": .string("m"), "phienBan": .integer(0)]),
            expected: "hoSoNguon.phienBan"),
        Violation(
            operation: "report-death", label: "date of death that does not exist", member: "ngayMat",
            value: .string("2026-02-30"), expected: "ngayMat"),
        Violation(
            operation: "report-death", label: "empty name", member: "hoTen", value: .string(""), expected: "hoTen"),
        Violation(
            operation: "update-participant", label: "previous PIN equal to the PIN", member: "maSoBHXHCu",
            value: .string("001321046613"), expected: "maSoBHXHCu"),
        Violation(
            operation: "update-participant", label: "birth year written as YYYY-MM", member: "ngaySinh",
            value: .object(["giaTri": .string("2021-03"), "doChinhXac": .string("year")]), expected: "ngaySinh.giaTri"),
    ]

    @Test("the mock refuses contract violations with a loi naming the member, never the value", arguments: violations)
    func refusals(_ violation: Violation) throws {
        let golden = try #require(InsuranceGoldenTests.cases.first { $0.operation == violation.operation })
        let record = try InsuranceFixtures.record(named: golden.record)
        let request = try InsuranceFixtures.request(
            InsuranceAdapter(settings: golden.settings).prepare(
                InsuranceFixtures.job(record, golden.operation, upstreamPIN: golden.upstreamPIN)))
        guard case .object(var members) = try JSONValue.parse(request.body) else { throw InsuranceFixtures.NotSent() }
        members[violation.member] = violation.value
        let problems = InsuranceContract.violations(
            try #require(InsuranceContract.Operation(rawValue: violation.operation)), document: .object(members))
        #expect(problems.map(\.truong).contains(violation.expected), "\(problems)")
        if case .string(let text)? = violation.value, text.count > 1 {
            #expect(problems.allSatisfy { !$0.moTa.contains(text) })
        }
    }

    @Test("an update with none of sex, birth date or previous PIN is refused")
    func emptyUpdate() {
        let body = #"{"maYeuCau":"k1","maSoBHXH":"001321046613","hoSoNguon":{"heThong":"h","maHoSo":"m","phienBan":1}}"#
        let problems = InsuranceContract.violations(.updateParticipant, body: Array(body.utf8))
        #expect(problems.map(\.truong) == ["$"])
    }

    static func hasNullOrEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let text): text.isEmpty
        case .array(let items): items.isEmpty || items.contains(where: hasNullOrEmpty)
        case .object(let members): members.isEmpty || members.values.contains(where: hasNullOrEmpty)
        default: false
        }
    }
}
