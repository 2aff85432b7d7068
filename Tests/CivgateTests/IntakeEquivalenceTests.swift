import CivgateContracts
import Foundation
import Testing

@testable import CivgateModel

/// Proves that the optimised intake (compiled schema, normaliser fast paths, hand-written canonical
/// serialiser, typed decoding from the tree) behaves exactly like the straightforward implementation it
/// replaced (`ReferenceRecordIntake`): same verdicts, violation paths/codes/details, normalisations,
/// warnings, typed records and canonical bytes — on samples, fixtures, generated records and random
/// mutations of them.
@Suite("Intake equivalence")
struct IntakeEquivalenceTests {
    static func intakes() throws -> (RecordIntake, ReferenceRecordIntake) {
        let schema = try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))
        return (
            RecordIntake(validator: try SchemaValidator(schema: schema)),
            ReferenceRecordIntake(validator: try ReferenceSchemaValidator(schema: schema))
        )
    }

    @Test("samples and fixtures give identical results")
    func samplesAndFixtures() throws {
        let (intake, reference) = try Self.intakes()
        let folders = [
            TestPaths.samples, TestPaths.fixtures.appendingPathComponent("valid"),
            TestPaths.fixtures.appendingPathComponent("invalid"),
        ]
        var count = 0
        for folder in folders {
            for file in TestPaths.jsonFiles(in: folder) {
                let data = try Data(contentsOf: file)
                Self.expectSame(intake.accept(data), reference.accept(data), file.lastPathComponent)
                count += 1
            }
        }
        #expect(count >= 40)
    }

    @Test("generated records and their mutations give identical results", arguments: [1, 2, 3])
    func generatedAndMutated(seed: Int) throws {
        let (intake, reference) = try Self.intakes()
        let mix = ["live", "historical", "all"][seed % 3]
        let lines = try RecordGenerator.lines(count: 300, seed: seed, mix: mix, start: seed * 1000)
        var random = SplitMix(seed: UInt64(seed))
        var outcomes: [String: Int] = [:]
        for (index, line) in lines.enumerated() {
            Self.expectSame(intake.accept(line), reference.accept(line), "seed \(seed) line \(index + 1)")
            let parsed = try JSONValue.parse(line)
            for round in 0..<4 {
                var mutated = parsed
                for _ in 0...(round % 3) { Mutator.mutate(&mutated, random: &random) }
                let result = intake.accept(mutated)
                Self.expectSame(result, reference.accept(mutated), "seed \(seed) line \(index + 1) round \(round)")
                for outcome in Self.outcomes(result) { outcomes[outcome, default: 0] += 1 }
            }
        }
        // The mutations must reach both verdicts and most rules, or the comparison proves little.
        #expect(outcomes["accepted", default: 0] > 200 && outcomes["normalized", default: 0] > 50, "\(outcomes)")
        for code in ["required", "type", "enum", "pattern", "one-of", "any-of", "unknown-member", "const"] {
            #expect(outcomes[code, default: 0] > 0, "no mutation produced \(code): \(outcomes)")
        }
    }

    @Test("the parser reads generated records and damaged bytes exactly as before")
    func parser() throws {
        var random = SplitMix(seed: 5)
        let lines = try RecordGenerator.lines(count: 100, seed: 9, mix: "all")
        let extras = [
            #"{"a":"x\u00e9\n\"y","b":-0,"c":-9223372036854775808,"d":9223372036854775808,"e":[1.5e3,0]}"#,
            #"{"a":"\ud83d\ude00","b":"\/","c":12345678901234567890,"d":-1}"#,
        ].map { Data($0.utf8) }
        let damage: [UInt8] = Array(#"\"{}[],:0-.eE9u "#.utf8) + [0x00, 0x1F, 0xC3, 0xA9, 0xFF, 0xE1]
        for line in lines + extras {
            var inputs = [Array(line)]
            for _ in 0..<20 {
                var bytes = Array(line)
                bytes[random.below(bytes.count)] = damage[random.below(damage.count)]
                inputs.append(bytes)
                inputs.append(Array(bytes.prefix(random.below(bytes.count))))
            }
            for bytes in inputs {
                let fast = try? JSONParser.parse(bytes)
                let slow = try? ReferenceJSONParser.parse(bytes)
                #expect(
                    fast.map { try? ReferenceRecordIntake.canonicalBytes($0) }
                        == slow.map { try? ReferenceRecordIntake.canonicalBytes($0) })
                #expect(fast == slow)
            }
        }
    }

    @Test("canonical bytes equal JSONEncoder's output for random trees")
    func canonicalBytes() throws {
        var random = SplitMix(seed: 42)
        for _ in 0..<1000 {
            let value = Mutator.randomValue(random: &random, depth: 0)
            #expect(try value.canonicalBytes() == ReferenceRecordIntake.canonicalBytes(value))
        }
        for number in [0.0, -0.0, 1.5, 100.0, 1e20, 1e-7, 0.1, 9.3e15, 1e300, 2.5e-300, 123456789.125] {
            let value = JSONValue.array([.number(number), .object(["n": .number(-number)])])
            #expect(try value.canonicalBytes() == ReferenceRecordIntake.canonicalBytes(value))
        }
    }

    @Test("normalizeText equals the reference on random text")
    func normalizeText() {
        var random = SplitMix(seed: 7)
        for _ in 0..<5000 {
            let text = Mutator.randomText(random: &random)
            let fast = TextNormalizer.normalizeText(text)
            let slow = ReferenceTextNormalizer.normalizeText(text)
            #expect(fast.unicodeScalars.elementsEqual(slow.unicodeScalars), "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test("schema patterns match exactly what NSRegularExpression matches")
    func patterns() throws {
        let patterns = [
            "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
            "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                + "(\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
            "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$", "^[0-9]{4}-(0[1-9]|1[0-2])$",
            "^[a-z][a-z0-9-]*$", "^[0-9]{4}$", "^[A-Z]{2}$", "^[0-9]{2}$", "^[0-9]{2,5}$", "^[0-9]{12}$",
            "^[A-Za-z0-9._~:-]{1,100}$", "^[!-~]+$", "(a|bc)+d", "x(ab)?y", "^(a|ab)(c|bcd)(d*)$", "[0-9]{3}",
        ]
        var random = SplitMix(seed: 11)
        let alphabet = Array("0123456789-:+.TZab-cdxyAZ é٣\n ".unicodeScalars)
        for pattern in patterns {
            let compiled = try FixedPattern(pattern)
            let regex = try NSRegularExpression(pattern: FixedPattern.icu(pattern))
            var samples = [
                "2026-09-25", "2026-02-30", "2026-13-01", "1978", "1978-05", "2026-09-25T09:43:00+07:00",
                "2026-09-25T09:43:00.123456789Z", "2026-09-25T09:43:00.1234567890Z", "2026-09-25T24:00:00Z",
                "abcd", "abd", "xaby", "xy", "VN", "vn", "001226123456", "", "2026-09-25\n",
            ]
            for _ in 0..<1000 {
                var text = String.UnicodeScalarView()
                for _ in 0..<random.below(30) { text.append(alphabet[random.below(alphabet.count)]) }
                samples.append(String(text))
                // Mutations of valid-looking values find the edges of the alternations.
                var near = Array(samples[random.below(10)].unicodeScalars)
                if !near.isEmpty { near[random.below(near.count)] = alphabet[random.below(alphabet.count)] }
                samples.append(String(String.UnicodeScalarView(near)))
            }
            for text in samples {
                let expected = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(compiled.matches(text) == expected, "\(pattern) on \(text.debugDescription)")
            }
        }
    }

    static func outcomes(_ result: Result<RecordIntake.Accepted, RecordIntake.Rejection>) -> [String] {
        switch result {
        case .success(let accepted): accepted.normalizations.isEmpty ? ["accepted"] : ["accepted", "normalized"]
        case .failure(.malformed): ["malformed"]
        case .failure(.unknownEventType): ["unknown-event"]
        case .failure(.invalid(let violations)): violations.map(\.code)
        }
    }

    // MARK: - Comparison

    static func expectSame(
        _ fast: Result<RecordIntake.Accepted, RecordIntake.Rejection>,
        _ slow: Result<ReferenceRecordIntake.Accepted, ReferenceRecordIntake.Rejection>,
        _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(describe(fast) == describe(slow), "\(label)", sourceLocation: sourceLocation)
    }

    static func describe(_ result: Result<RecordIntake.Accepted, RecordIntake.Rejection>) -> [String] {
        switch result {
        case .success(let accepted):
            return describeAccepted(
                accepted.document, accepted.canonicalBytes, accepted.record, accepted.normalizations,
                accepted.warnings)
        case .failure(.malformed): return ["malformed"]
        case .failure(.unknownEventType(let path)): return ["unknown-event", path]
        case .failure(.invalid(let violations)): return ["invalid"] + violations.map(describeViolation)
        }
    }

    static func describe(_ result: Result<ReferenceRecordIntake.Accepted, ReferenceRecordIntake.Rejection>)
        -> [String]
    {
        switch result {
        case .success(let accepted):
            return describeAccepted(
                accepted.document, accepted.canonicalBytes, accepted.record, accepted.normalizations,
                accepted.warnings)
        case .failure(.malformed): return ["malformed"]
        case .failure(.unknownEventType(let path)): return ["unknown-event", path]
        case .failure(.invalid(let violations)): return ["invalid"] + violations.map(describeViolation)
        }
    }

    static func describeViolation(_ violation: SchemaViolation) -> String {
        "\(violation.path) | \(violation.code) | \(violation.detail)"
    }

    /// Everything as exact scalars/bytes: Swift's `==` on strings would hide NFC/NFD differences.
    static func describeAccepted(
        _ document: JSONValue, _ bytes: Data, _ record: CivilRecord, _ changes: [TextNormalizer.Change],
        _ warnings: [RecordWarning]
    ) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let documentBytes = (try? ReferenceRecordIntake.canonicalBytes(document)) ?? Data()
        let recordBytes = (try? encoder.encode(record)) ?? Data()
        return ["accepted", hex(bytes), hex(documentBytes), hex(recordBytes)]
            + changes.map { "\($0.path) | \(hex(Data($0.original.utf8)))" }
            + warnings.map { "\($0.code) | \($0.path) | \($0.detail)" }
    }

    static func hex(_ data: Data) -> String {
        data.map { String($0, radix: 16) }.joined(separator: " ")
    }
}

/// Random edits of records and random JSON values, aimed at the schema's and the model's edges.
enum Mutator {
    static let strings: [String] = [
        "", " ", "x", " x ", "a  b", "\tLÊ\nVĂN ", "2026-02-30", "2026-13-01", "2026-09-25", "1978", "1978-05",
        "1978-13", "2026-09-25T09:43:00+07:00", "2026-09-25T09:43:00", "2026-02-30T09:43:00Z",
        "LE\u{0302} NGO\u{0323}C",
        "E\u{0306}", "001226123456", "00122612345", "QD124-2004", "QD19-2025", "QD121-1979", "ISO3166-1-alpha2",
        "VN", "vn", "01", "001", "birth", "death", "marriage", "foo", "male", "female", "unknown", "day", "month",
        "year", "age", "child", "mother", "father", "Child", "12625", "00004", "a\u{85}b", "x\u{a0}", "\u{2028}y",
        "٠١", "\u{1}", "q\"uo\\te/", String(repeating: "A", count: 201), String(repeating: "9", count: 101),
        "e\u{301}", "\u{e9}", "\u{212B}", "\u{1F600}", "new", "late", "historical",
    ]
    static let keys = [
        "code", "codeSystem", "value", "precision", "ageAtEvent", "role", "name", "full", "extra", "a b", "x'y",
        "é", "e\u{301}", "", "_u", "1", "Z", "text", "unit", "facility", "event", "source", "version", "pin",
    ]

    static func randomText(random: inout SplitMix) -> String {
        let pieces = strings + ["  ", "\n", "\t", "\u{300}", "\u{323}", "Ơ", "ư", "\u{1EA0}", "a", "Đ", "\u{3000}"]
        var text = ""
        for _ in 0..<random.below(5) { text += pieces[random.below(pieces.count)] }
        return text
    }

    static func randomValue(random: inout SplitMix, depth: Int) -> JSONValue {
        switch random.below(depth > 3 ? 6 : 9) {
        case 0: return .null
        case 1: return .bool(random.below(2) == 0)
        case 2: return .integer([0, 1, -1, 5, 150, 151, 2_147_483_647, 2_147_483_648, Int64.min][random.below(9)])
        case 3: return .number([5.0, 1.5, -0.0, 1e20, 0.1, 150.0, 1e-7][random.below(7)])
        case 4, 5:
            return .string(random.below(3) == 0 ? randomText(random: &random) : strings[random.below(strings.count)])
        case 6: return .array((0..<random.below(4)).map { _ in randomValue(random: &random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<random.below(5) {
                members[keys[random.below(keys.count)]] = randomValue(random: &random, depth: depth + 1)
            }
            return .object(members)
        }
    }

    /// Applies one random edit somewhere in `value`, usually deep and usually keeping the value's kind,
    /// so that most mutated records stay close to valid and reach the inner rules.
    static func mutate(_ value: inout JSONValue, random: inout SplitMix) {
        switch value {
        case .object(var members) where !members.isEmpty && random.below(6) != 0:
            let keys = members.keys.sorted()
            let key = keys[random.below(keys.count)]
            mutate(&members[key]!, random: &random)
            value = .object(members)
        case .array(var items) where !items.isEmpty && random.below(6) != 0:
            let index = random.below(items.count)
            mutate(&items[index], random: &random)
            value = .array(items)
        default:
            edit(&value, random: &random)
        }
    }

    private static func edit(_ value: inout JSONValue, random: inout SplitMix) {
        if random.below(8) == 0 {
            value = randomValue(random: &random, depth: 2)
            return
        }
        switch value {
        case .object(var members):
            if !members.isEmpty && random.below(2) == 0 {
                members.removeValue(forKey: members.keys.sorted()[random.below(members.count)])
            } else {
                members[keys[random.below(keys.count)]] = randomValue(random: &random, depth: 2)
            }
            value = .object(members)
        case .array(var items):
            if !items.isEmpty && random.below(2) == 0 {
                items.append(items[random.below(items.count)])
            } else if !items.isEmpty {
                items.removeLast()
            }
            value = .array(items)
        case .string(let text):
            value = .string(
                [
                    " \(text)", "\(text)\n", text.decomposedStringWithCanonicalMapping, text.uppercased(),
                    "\(text)\u{301}", strings[random.below(strings.count)], strings[random.below(strings.count)],
                    randomText(random: &random),
                ][random.below(8)])
        case .integer, .number:
            value =
                [.integer(0), .integer(-1), .integer(151), .integer(2_147_483_648), .number(5.0), .number(1.5)][
                    random.below(6)]
        default:
            value = randomValue(random: &random, depth: 2)
        }
    }
}
