import CivgateModel
import Foundation
import Testing

/// Proves that ingest's pure step (`RecordIntake` over the shipped record schema) accepts every record the
/// registry legitimately sends (samples, generator output, valid fixtures), rejects each invalid fixture
/// at the path and rule the contract's EXPECTED table names, and never echoes submitted values.
@Suite("RecordIntake")
struct RecordIntakeTests {
    /// One invalid fixture and where it must be rejected (from `Tests/tools/check_record_schema.py`
    /// EXPECTED, with jsonschema keywords translated to civgate's rule codes).
    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var file: String
        var path: String
        var code: String
        var testDescription: String { file }
    }

    static let invalidCases: [InvalidCase] = [
        .init(file: "missing-source.json", path: "$.source", code: "required"),
        .init(file: "missing-source-system.json", path: "$.source.system", code: "required"),
        .init(file: "missing-source-record-id.json", path: "$.source.recordId", code: "required"),
        .init(file: "missing-source-version.json", path: "$.source.version", code: "required"),
        .init(file: "source-version-zero.json", path: "$.source.version", code: "minimum"),
        .init(file: "source-version-string.json", path: "$.source.version", code: "type"),
        .init(file: "missing-event.json", path: "$.event", code: "required"),
        .init(file: "missing-authority-code.json", path: "$.registration.authority.code", code: "required"),
        .init(file: "authority-code-system-unknown.json", path: "$.registration.authority.codeSystem", code: "enum"),
        .init(file: "missing-subjects.json", path: "$.subjects", code: "required"),
        .init(file: "empty-subjects.json", path: "$.subjects", code: "min-items"),
        .init(file: "subject-missing-role.json", path: "$.subjects[1].role", code: "required"),
        .init(file: "bad-sex.json", path: "$.subjects[0].sex", code: "enum"),
        .init(file: "birthdate-precision-mismatch.json", path: "$.subjects[1].birthDate", code: "one-of"),
        .init(file: "birthdate-age-not-integer.json", path: "$.subjects[1].birthDate", code: "one-of"),
        .init(file: "birthdate-age-over-150.json", path: "$.subjects[1].birthDate", code: "one-of"),
        .init(file: "birthdate-extra-property.json", path: "$.subjects[0].birthDate", code: "one-of"),
        .init(file: "birthdate-non-ascii-digits.json", path: "$.subjects[0].birthDate", code: "one-of"),
        .init(file: "pin-11-digits.json", path: "$.subjects[1].pin", code: "pattern"),
        .init(file: "pin-with-letter.json", path: "$.subjects[1].pin", code: "pattern"),
        .init(file: "ethnicity-code-system-unknown.json", path: "$.subjects[0].ethnicity.codeSystem", code: "enum"),
        .init(file: "ethnicity-code-3-digits.json", path: "$.subjects[0].ethnicity.code", code: "pattern"),
        .init(file: "nationality-lowercase.json", path: "$.subjects[0].nationality.code", code: "pattern"),
        .init(file: "registration-date-not-iso.json", path: "$.registration.date", code: "pattern"),
        .init(file: "approval-at-without-offset.json", path: "$.approval.at", code: "pattern"),
        .init(file: "name-too-long.json", path: "$.subjects[0].name.full", code: "max-length"),
    ]

    /// Invalid per the schema, but accepted by civgate, which trims before it validates.
    static let trimmedThenAccepted = ["pin-trailing-newline.json", "approval-at-trailing-newline.json"]

    @Test("every sample record is accepted")
    func acceptsEverySample() throws {
        let intake = try TestIntake.make()
        let files = TestPaths.jsonFiles(in: TestPaths.samples)
        #expect(files.count >= 12, "samples missing from \(TestPaths.samples.path)")
        for file in files {
            if case .failure(let rejection) = intake.accept(try Data(contentsOf: file)) {
                Issue.record("\(file.lastPathComponent) refused: \(TestIntake.describe(rejection))")
            }
        }
    }

    @Test("generated records are all accepted", arguments: [1, 2, 3], ["live", "historical", "all"])
    func acceptsGeneratedRecords(seed: Int, mix: String) throws {
        let intake = try TestIntake.make()
        let lines = try RecordGenerator.lines(count: 400, seed: seed, mix: mix)
        #expect(lines.count == 400)
        var refused: [(Int, RecordIntake.Rejection)] = []
        for (index, line) in lines.enumerated() {
            if case .failure(let rejection) = intake.accept(line) { refused.append((index + 1, rejection)) }
        }
        #expect(
            refused.isEmpty,
            "\(refused.count) of 400 refused; first is line \(refused.first?.0 ?? 0): \(refused.first.map { TestIntake.describe($0.1) } ?? "")"
        )
    }

    @Test(
        "every valid fixture is accepted",
        arguments: TestPaths.jsonFiles(in: TestPaths.fixtures.appendingPathComponent("valid")).map(\.lastPathComponent))
    func acceptsValidFixture(name: String) throws {
        let intake = try TestIntake.make()
        let accepted = try TestIntake.accept(fileAt: TestIntake.fixture("valid", name), with: intake)
        #expect(!accepted.record.subjects.isEmpty)
        #expect(try JSONValue.parse(accepted.canonicalBytes) == accepted.document)
    }

    @Test("there are valid fixtures and every invalid fixture has an expectation")
    func fixtureTablesAreComplete() {
        #expect(TestPaths.jsonFiles(in: TestPaths.fixtures.appendingPathComponent("valid")).count >= 8)
        let present = Set(
            TestPaths.jsonFiles(in: TestPaths.fixtures.appendingPathComponent("invalid")).map(\.lastPathComponent))
        let known = Set(Self.invalidCases.map(\.file) + Self.trimmedThenAccepted + ["unknown-event.json"])
        #expect(
            present == known,
            "fixtures without an expectation: \(present.subtracting(known).sorted()); expectations without a fixture: \(known.subtracting(present).sorted())"
        )
    }

    @Test("each invalid fixture is rejected at the expected path with the expected rule", arguments: invalidCases)
    func rejectsInvalidFixture(_ expected: InvalidCase) throws {
        let intake = try TestIntake.make()
        let result = intake.accept(try Data(contentsOf: TestIntake.fixture("invalid", expected.file)))
        guard case .failure(.invalid(let violations)) = result else {
            Issue.record("expected a schema rejection, got \(result)")
            return
        }
        #expect(
            violations.contains { $0.path == expected.path && $0.code == expected.code },
            "no \(expected.code) at \(expected.path); got \(TestIntake.describe(.invalid(violations)))")
        // Each fixture breaks one rule: nothing outside the broken member is reported.
        #expect(
            violations.allSatisfy { $0.path.hasPrefix(expected.path) }, "\(TestIntake.describe(.invalid(violations)))")
    }

    @Test("an event type outside the eleven is reported as unknownEventType at $.event")
    func rejectsUnknownEvent() throws {
        let intake = try TestIntake.make()
        let result = intake.accept(try Data(contentsOf: TestIntake.fixture("invalid", "unknown-event.json")))
        guard case .failure(.unknownEventType(let path)) = result else {
            Issue.record("expected unknownEventType, got \(result)")
            return
        }
        #expect(path == "$.event")
    }

    // Deliberate decision: civgate normalises (NFC, trims, folds whitespace) BEFORE it validates, so a
    // value whose only fault is a trailing newline is accepted and stored without it, while the
    // contract's own check (check_record_schema.py) rejects these fixtures as raw JSON. The original
    // value is kept in `normalizations`.
    @Test("a PIN with a trailing newline is accepted and stored trimmed (deliberate: normalise before validating)")
    func trimsPinBeforeValidating() throws {
        let intake = try TestIntake.make()
        let accepted = try TestIntake.accept(
            fileAt: TestIntake.fixture("invalid", "pin-trailing-newline.json"), with: intake)
        let pin = try #require(accepted.record.subjects[1].pin)
        #expect(pin == "001197652370")
        #expect(!pin.utf8.contains(UInt8(ascii: "\n")))
        guard case .array(let storedSubjects)? = accepted.document["subjects"] else {
            Issue.record("stored document has no subjects array")
            return
        }
        #expect(storedSubjects[1]["pin"] == .string("001197652370"))
        #expect(!String(decoding: accepted.canonicalBytes, as: UTF8.self).contains("\\n"))
        let change = try #require(accepted.normalizations.first { $0.path == "$.subjects[1].pin" })
        #expect(Array(change.original.utf8) == Array("001197652370\n".utf8))
        #expect(accepted.warnings.contains { $0.code == "text-normalized" })
    }

    // Deliberate decision, as for the PIN above: trimmed first, then validated.
    @Test("an approval time with a trailing newline is accepted and stored trimmed (deliberate)")
    func trimsApprovalTimeBeforeValidating() throws {
        let intake = try TestIntake.make()
        let accepted = try TestIntake.accept(
            fileAt: TestIntake.fixture("invalid", "approval-at-trailing-newline.json"), with: intake)
        let at = try #require(accepted.record.approval?.at)
        #expect(at == "2026-09-25T09:43:00+07:00")
        #expect(!at.utf8.contains(UInt8(ascii: "\n")))
        #expect(accepted.normalizations.map(\.path) == ["$.approval.at"])
    }

    @Test(
        "bytes that are not JSON are malformed",
        arguments: ["", "{", "not json", "{\"a\": 1,,}", "{\"a\": 1} trailing", "\u{7}", "{'event': 'birth'}"])
    func rejectsMalformed(text: String) throws {
        let intake = try TestIntake.make()
        guard case .failure(.malformed) = intake.accept(Data(text.utf8)) else {
            Issue.record("\(text.debugDescription) was not reported as malformed")
            return
        }
    }

    // Regression: Foundation's JSON parser accepts trailing commas (`[1,]`, `{"a": 1,}`), which RFC 8259
    // forbids and the contract's own checker (Python's json) refuses as "not JSON".
    @Test(
        "a trailing comma is malformed JSON",
        arguments: ["{\"event\": \"birth\",}", "{\"subjects\": [{\"role\": \"child\"},]}"])
    func trailingCommaIsMalformed(text: String) throws {
        let intake = try TestIntake.make()
        let result = intake.accept(Data(text.utf8))
        guard case .failure(.malformed) = result else {
            Issue.record("\(text) was parsed as JSON: \(result)")
            return
        }
    }

    @Test(
        "anything RFC 8259 does not call JSON is malformed",
        arguments: [
            "[1,]", "01", "+1", ".5", "1.", "-", "1e", "NaN", "Infinity", "tru", "nul", "\"unterminated",
            "\"\\x\"", "\"\\uD800\"", "\"\\uDC00\"", "\"\\u12\"", "\"a\u{1}b\"", "\"tab\tinside\"",
            "\u{FEFF}{}", "// c\n{}", "{\"a\" 1}", "{1: 2}", "[1 2]", "{\"a\": 1}}", "{\"a\":}",
        ])
    func rejectsNonRFCJSON(text: String) throws {
        let intake = try TestIntake.make()
        let result = intake.accept(Data(text.utf8))
        guard case .failure(.malformed) = result else {
            Issue.record("\(text.debugDescription) was parsed: \(result)")
            return
        }
    }

    @Test("nesting 100,000 deep is malformed, not a crash")
    func rejectsDeepNesting() throws {
        let intake = try TestIntake.make()
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .failure(.malformed) = intake.accept(Data(deep.utf8)) else {
            Issue.record("100,000 nested arrays were not malformed")
            return
        }
        let member = "{\"x\": " + String(repeating: "[", count: 100_000) + "}"
        guard case .failure(.malformed) = intake.accept(Data(member.utf8)) else {
            Issue.record("an unclosed 100,000-deep member was not malformed")
            return
        }
    }

    @Test("a record with every non-ASCII letter written as a \\u escape is stored exactly like the raw UTF-8")
    func unicodeEscapesDecode() throws {
        let intake = try TestIntake.make()
        for url in [
            TestIntake.sample("KS-2026-000000003.json"), TestIntake.fixture("valid", "ede-name-combining-breve.json"),
        ] {
            let raw = try TestIntake.text(of: url)
            var escaped = ""
            for scalar in raw.unicodeScalars {
                if scalar.isASCII {
                    escaped.unicodeScalars.append(scalar)
                } else {
                    for unit in String(scalar).utf16 { escaped += "\\u" + String(unit, radix: 16).leftPadded(to: 4) }
                }
            }
            #expect(escaped.utf8.allSatisfy { $0 < 0x80 })
            let fromEscapes = try TestIntake.accept(Data(escaped.utf8), with: intake)
            let fromRaw = try TestIntake.accept(Data(raw.utf8), with: intake)
            #expect(fromEscapes.canonicalBytes == fromRaw.canonicalBytes, "\(url.lastPathComponent)")
            #expect(fromEscapes.normalizations.isEmpty)
        }
        // A character outside the BMP arrives as a surrogate pair.
        let text = try TestIntake.text(
            of: TestIntake.sample("KS-2026-000000003.json"),
            replacing: [
                (
                    "\"hometown\": {\n        \"text\": \"Hà Nội\"",
                    "\"hometown\": {\n        \"text\": \"Hà Nội \\ud840\\udc0b\""
                )
            ])
        let accepted = try TestIntake.accept(Data(text.utf8), with: intake)
        #expect(accepted.record.subjects[0].hometown?.text?.unicodeScalars.last == "\u{2000B}")
    }

    @Test("invalid UTF-8 and a truncated record are malformed")
    func rejectsBrokenBytes() throws {
        let intake = try TestIntake.make()
        guard case .failure(.malformed) = intake.accept(Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])) else {
            Issue.record("invalid UTF-8 was not malformed")
            return
        }
        let sample = try Data(contentsOf: TestIntake.sample("KS-2026-000000003.json"))
        guard case .failure(.malformed) = intake.accept(sample.prefix(sample.count / 2)) else {
            Issue.record("a truncated record was not malformed")
            return
        }
    }

    @Test("JSON that is not an object is invalid at $", arguments: ["[]", "null", "42", "\"birth\""])
    func rejectsNonObject(text: String) throws {
        let intake = try TestIntake.make()
        guard case .failure(.invalid(let violations)) = intake.accept(Data(text.utf8)) else {
            Issue.record("\(text) was not rejected as invalid")
            return
        }
        #expect(violations.contains { $0.path == "$" && $0.code == "type" })
    }

    @Test("unknown members are kept in the stored document")
    func keepsUnknownMembers() throws {
        let intake = try TestIntake.make()
        let text = try TestIntake.text(
            of: TestIntake.sample("KS-2026-000000003.json"),
            replacing: [("\"event\": \"birth\",", "\"event\": \"birth\", \"registryExtension\": {\"batch\": 7},")])
        let accepted = try TestIntake.accept(Data(text.utf8), with: intake)
        #expect(accepted.document["registryExtension"]?["batch"] == .integer(7))
    }

    /// A submitted value that must never be echoed in a violation's detail.
    struct PersonalValue: Sendable, CustomTestStringConvertible {
        var file: String
        var value: String
        var testDescription: String { file }
    }

    static let personalValues: [PersonalValue] = [
        .init(file: "pin-11-digits.json", value: "00119765237"),
        .init(file: "pin-with-letter.json", value: "00119765237O"),
        .init(file: "name-too-long.json", value: "LÊ NGỌC HƯƠNG"),
        .init(file: "registration-date-not-iso.json", value: "25/09/2026"),
        .init(file: "approval-at-without-offset.json", value: "2026-09-25T09:43:00"),
        .init(file: "birthdate-non-ascii-digits.json", value: "２０２６"),
    ]

    @Test("violation details never contain the submitted value", arguments: personalValues)
    func detailsCarryNoValues(_ personal: PersonalValue) throws {
        let intake = try TestIntake.make()
        let url = TestIntake.fixture("invalid", personal.file)
        #expect(
            try TestIntake.text(of: url).contains(personal.value), "the fixture no longer holds the value under test")
        guard case .failure(.invalid(let violations)) = intake.accept(try Data(contentsOf: url)) else {
            Issue.record("\(personal.file) was not rejected")
            return
        }
        #expect(!violations.isEmpty)
        for violation in violations {
            #expect(!violation.detail.contains(personal.value), "\(violation.path) \(violation.code) echoes the value")
            #expect(!violation.path.contains(personal.value))
        }
    }

    // Regression. The record schema says of `date`: "2026-02-30 passes here and must be rejected by the
    // normaliser". Accepted, the adapter would send <NgayThangNam>2026-02-30</…>, which the Population
    // Database's xs:date refuses: the delivery would die instead of the request being refused.
    /// A sample edit that puts an impossible date at `path`.
    struct ImpossibleDate: Sendable, CustomTestStringConvertible {
        var from: String
        var to: String
        var path: String
        var testDescription: String { path }
    }

    @Test(
        "a calendar-impossible date is rejected at ingest",
        arguments: [
            ImpossibleDate(
                from: "\"date\": \"2026-09-25\"", to: "\"date\": \"2026-02-30\"", path: "$.registration.date"),
            ImpossibleDate(
                from: "\"value\": \"2026-09-24\"", to: "\"value\": \"2026-02-30\"", path: "$.subjects[0].birthDate"),
        ])
    func impossibleDateRejected(_ edit: ImpossibleDate) throws {
        let intake = try TestIntake.make()
        let text = try TestIntake.text(
            of: TestIntake.sample("KS-2026-000000003.json"), replacing: [(edit.from, edit.to)])
        let result = intake.accept(Data(text.utf8))
        guard case .failure(.invalid(let violations)) = result else {
            Issue.record("2026-02-30 at \(edit.path) was accepted")
            return
        }
        #expect(violations.contains { $0.path.hasPrefix(edit.path) })
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
