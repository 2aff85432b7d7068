import Foundation

@testable import CivgateModel

// The intake exactly as it was before the fast paths (commit 7eff5ce), kept as the oracle that the
// equivalence tests compare the optimised ReferenceRecordIntake against.

/// A compiled `pattern` from a JSON Schema.
///
/// Contract patterns are mostly fixed shapes (`^\d{12}$`, `^\d{4}-\d{2}$`); those run on a small
/// scalar matcher because ingest checks dozens per record. Anything richer falls back to
/// `NSRegularExpression`, which JSON Schema's ECMA-style patterns fit.
struct ReferenceFixedPattern: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as thread-safe.
    private struct Token {
        var accepts: @Sendable (Unicode.Scalar) -> Bool
        var minimum: Int
        var maximum: Int
    }

    private let tokens: [Token]?
    private let anchoredStart: Bool
    private let anchoredEnd: Bool
    private let fallback: NSRegularExpression?

    /// Compiles `pattern`; throws when it is not a valid regular expression.
    init(_ pattern: String) throws {
        if let simple = Self.compileSimple(pattern) {
            tokens = simple.tokens
            anchoredStart = simple.start
            anchoredEnd = simple.end
            fallback = nil
        } else {
            tokens = nil
            anchoredStart = false
            anchoredEnd = false
            fallback = try NSRegularExpression(pattern: Self.icu(pattern))
        }
    }

    /// Whether the pattern matches somewhere in `text` (JSON Schema patterns are not implicitly anchored).
    func matches(_ text: String) -> Bool {
        if let fallback {
            let range = NSRange(text.startIndex..., in: text)
            return fallback.firstMatch(in: text, range: range) != nil
        }
        let scalars = Array(text.unicodeScalars)
        if anchoredStart { return match(scalars, from: 0, token: 0) }
        for start in 0...scalars.count where match(scalars, from: start, token: 0) { return true }
        return false
    }

    private func match(_ scalars: [Unicode.Scalar], from position: Int, token index: Int) -> Bool {
        guard let tokens else { return false }
        if index == tokens.count { return !anchoredEnd || position == scalars.count }
        let token = tokens[index]
        var count = 0
        while count < token.minimum {
            guard position + count < scalars.count, token.accepts(scalars[position + count]) else { return false }
            count += 1
        }
        var taken = count
        while taken < token.maximum, position + taken < scalars.count, token.accepts(scalars[position + taken]) {
            taken += 1
        }
        while taken >= count {
            if match(scalars, from: position + taken, token: index + 1) { return true }
            taken -= 1
        }
        return false
    }

    /// ECMA-262 meaning in ICU syntax: `$` is the end of input (ICU's also matches before a final
    /// newline) and `\d` is ASCII digits only (ICU's is any Unicode decimal digit).
    static func icu(_ pattern: String) -> String {
        var output = ""
        var inClass = false
        var escaped = false
        for character in pattern {
            if escaped {
                output += character == "d" ? (inClass ? "0-9" : "[0-9]") : "\\\(character)"
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true; output.append(character)
            case "]": inClass = false; output.append(character)
            case "$" where !inClass: output += "\\z"
            default: output.append(character)
            }
        }
        return output
    }

    private static func compileSimple(_ pattern: String) -> (tokens: [Token], start: Bool, end: Bool)? {
        var scalars = Array(pattern.unicodeScalars)
        var start = false
        var end = false
        if scalars.first == "^" { start = true; scalars.removeFirst() }
        if scalars.last == "$", scalars.count < 2 || scalars[scalars.count - 2] != "\\" {
            end = true; scalars.removeLast()
        }
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            var accepts: @Sendable (Unicode.Scalar) -> Bool
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { return nil }
                let escaped = scalars[index + 1]
                index += 2
                switch escaped {
                case "d": accepts = { ("0"..."9").contains($0) }
                case ".", "-", "+", ":", "/", "\\", "(", ")", "[", "]", "{", "}", "?", "*", "|", "^", "$":
                    accepts = { $0 == escaped }
                default: return nil
                }
            case "[":
                guard let (set, next) = parseClass(scalars, from: index + 1) else { return nil }
                accepts = set
                index = next
            case "(", ")", "|", "{", "}", "?", "*", "+", ".", "^", "$":
                return nil
            default:
                accepts = { $0 == scalar }
                index += 1
            }
            var minimum = 1
            var maximum = 1
            if index < scalars.count {
                switch scalars[index] {
                case "?": minimum = 0; index += 1
                case "*": minimum = 0; maximum = Int.max; index += 1
                case "+": maximum = Int.max; index += 1
                case "{":
                    guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                    let body = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                    let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                    guard let low = Int(parts[0]) else { return nil }
                    minimum = low
                    if parts.count == 1 {
                        maximum = low
                    } else if parts[1].isEmpty {
                        maximum = Int.max
                    } else {
                        guard let high = Int(parts[1]) else { return nil }
                        maximum = high
                    }
                    index = close + 1
                default: break
                }
            }
            tokens.append(Token(accepts: accepts, minimum: minimum, maximum: maximum))
        }
        return (tokens, start, end)
    }

    private static func parseClass(
        _ scalars: [Unicode.Scalar], from start: Int
    ) -> (@Sendable (Unicode.Scalar) -> Bool, Int)? {
        var ranges: [ClosedRange<UInt32>] = []
        var index = start
        let negated = index < scalars.count && scalars[index] == "^"
        if negated { index += 1 }
        while index < scalars.count, scalars[index] != "]" {
            var low = scalars[index]
            if low == "\\" {
                guard index + 1 < scalars.count else { return nil }
                let escaped = scalars[index + 1]
                if escaped == "d" { ranges.append(48...57); index += 2; continue }
                guard "-.]\\^[+".unicodeScalars.contains(escaped) else { return nil }
                low = escaped
                index += 1
            }
            if index + 2 < scalars.count, scalars[index + 1] == "-", scalars[index + 2] != "]" {
                let high = scalars[index + 2]
                guard high != "\\", low.value <= high.value else { return nil }
                ranges.append(low.value...high.value)
                index += 3
            } else {
                ranges.append(low.value...low.value)
                index += 1
            }
        }
        guard index < scalars.count else { return nil }
        let frozen = ranges
        return ({ scalar in frozen.contains { $0.contains(scalar.value) } != negated }, index + 1)
    }
}

/// Validates JSON values against a JSON Schema (draft 2020-12), for the subset of keywords our contracts
/// use: `type, properties, required, additionalProperties, items, minItems, maxItems, enum, const,
/// pattern, minLength, maxLength, minimum, maximum, oneOf, anyOf, allOf, $ref` (local `#/$defs/…`).
///
/// The contract files in `contracts/` are the single source of truth; this interprets them so ingest
/// enforces exactly what they say. A test checks the same files with a complete third-party validator.
final class ReferenceSchemaValidator: Sendable {
    /// Raised when the schema itself uses something this validator does not support.
    struct UnsupportedSchema: Error, CustomStringConvertible {
        var description: String
    }

    private let root: JSONValue
    private let patterns: [String: ReferenceFixedPattern]

    /// Loads a schema document; throws `UnsupportedSchema` for keywords outside the subset.
    init(schema: JSONValue) throws {
        root = schema
        var compiled: [String: ReferenceFixedPattern] = [:]
        var references: Set<String> = []
        try Self.collectPatterns(schema, into: &compiled, references: &references)
        patterns = compiled
        for reference in references where resolve(reference) == nil {
            throw UnsupportedSchema(description: "$ref '\(reference)' does not resolve inside the schema")
        }
    }

    /// Every violation of the schema by `value`; empty when it is valid.
    func validate(_ value: JSONValue) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        check(value, against: root, path: "$", into: &violations)
        return violations
    }

    private static let supported: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "type", "properties", "required",
        "additionalProperties", "items", "minItems", "maxItems", "enum", "const", "pattern", "minLength",
        "maxLength", "minimum", "maximum", "oneOf", "anyOf", "allOf", "examples", "default", "deprecated",
    ]

    private static func collectPatterns(
        _ schema: JSONValue, into patterns: inout [String: ReferenceFixedPattern], references: inout Set<String>
    ) throws {
        guard case .object(let keywords) = schema else { return }
        for (keyword, value) in keywords {
            guard supported.contains(keyword) else {
                throw UnsupportedSchema(description: "schema keyword '\(keyword)' is not supported")
            }
            switch keyword {
            case "$ref":
                if let reference = value.stringValue { references.insert(reference) }
            case "pattern":
                guard let pattern = value.stringValue else { continue }
                patterns[pattern] = try ReferenceFixedPattern(pattern)
            case "properties", "$defs":
                if case .object(let members) = value {
                    for member in members.values {
                        try collectPatterns(member, into: &patterns, references: &references)
                    }
                }
            case "items", "additionalProperties":
                try collectPatterns(value, into: &patterns, references: &references)
            case "oneOf", "anyOf", "allOf":
                if case .array(let items) = value {
                    for item in items { try collectPatterns(item, into: &patterns, references: &references) }
                }
            default:
                break
            }
        }
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let next = node[String(part)] else { return nil }
            node = next
        }
        return node
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func check(_ value: JSONValue, against schema: JSONValue, path: String, into out: inout [SchemaViolation]) {
        switch schema {
        case .bool(true): return
        case .bool(false):
            out.append(SchemaViolation(path: path, code: "not-allowed", detail: "this member is not allowed"))
            return
        case .object: break
        default: return
        }
        if let reference = schema["$ref"]?.stringValue {
            if let target = resolve(reference) { check(value, against: target, path: path, into: &out) }
        }
        if let type = schema["type"], !Self.matches(value, type: type) {
            out.append(
                SchemaViolation(path: path, code: "type", detail: "must be of type \(Self.describe(type))"))
            return
        }
        if let options = schema["enum"], case .array(let allowed) = options, !allowed.contains(value) {
            out.append(SchemaViolation(path: path, code: "enum", detail: "must be one of the allowed values"))
        }
        if let constant = schema["const"], constant != value {
            out.append(SchemaViolation(path: path, code: "const", detail: "must equal the fixed value"))
        }
        switch value {
        case .string(let text):
            checkString(text, schema: schema, path: path, into: &out)
        case .integer, .number:
            checkNumber(value, schema: schema, path: path, into: &out)
        case .array(let items):
            if let minimum = schema["minItems"]?.integerValue, items.count < minimum {
                out.append(SchemaViolation(path: path, code: "min-items", detail: "needs at least \(minimum) items"))
            }
            if let maximum = schema["maxItems"]?.integerValue, items.count > maximum {
                out.append(SchemaViolation(path: path, code: "max-items", detail: "allows at most \(maximum) items"))
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    check(item, against: itemSchema, path: "\(path)[\(index)]", into: &out)
                }
            }
        case .object(let members):
            checkObject(members, schema: schema, path: path, into: &out)
        default:
            break
        }
        checkCombinators(value, schema: schema, path: path, into: &out)
    }

    private func checkString(_ text: String, schema: JSONValue, path: String, into out: inout [SchemaViolation]) {
        let length = text.unicodeScalars.count
        if let minimum = schema["minLength"]?.integerValue, length < minimum {
            out.append(SchemaViolation(path: path, code: "min-length", detail: "needs at least \(minimum) characters"))
        }
        if let maximum = schema["maxLength"]?.integerValue, length > maximum {
            out.append(SchemaViolation(path: path, code: "max-length", detail: "allows at most \(maximum) characters"))
        }
        if let pattern = schema["pattern"]?.stringValue, let compiled = patterns[pattern], !compiled.matches(text) {
            out.append(
                SchemaViolation(path: path, code: "pattern", detail: "does not match the pattern \(pattern)"))
        }
    }

    private func checkNumber(_ value: JSONValue, schema: JSONValue, path: String, into out: inout [SchemaViolation]) {
        let number: Double =
            switch value {
            case .integer(let integer): Double(integer)
            case .number(let double): double
            default: 0
            }
        if let minimum = schema["minimum"].flatMap(Self.double), number < minimum {
            out.append(SchemaViolation(path: path, code: "minimum", detail: "must be at least \(Self.format(minimum))"))
        }
        if let maximum = schema["maximum"].flatMap(Self.double), number > maximum {
            out.append(SchemaViolation(path: path, code: "maximum", detail: "must be at most \(Self.format(maximum))"))
        }
    }

    private func checkObject(
        _ members: [String: JSONValue], schema: JSONValue, path: String, into out: inout [SchemaViolation]
    ) {
        if case .array(let required) = schema["required"] ?? .null {
            for case .string(let name) in required where members[name] == nil {
                out.append(
                    SchemaViolation(
                        path: JSONPath.member(path, name), code: "required", detail: "is required but missing"))
            }
        }
        let properties: [String: JSONValue]
        if case .object(let declared) = schema["properties"] ?? .null {
            properties = declared
        } else {
            properties = [:]
        }
        for key in members.keys.sorted() {
            let memberPath = JSONPath.member(path, key)
            if let propertySchema = properties[key] {
                check(members[key]!, against: propertySchema, path: memberPath, into: &out)
            } else if let additional = schema["additionalProperties"] {
                if case .bool(false) = additional {
                    out.append(SchemaViolation(path: memberPath, code: "unknown-member", detail: "is not allowed here"))
                } else {
                    check(members[key]!, against: additional, path: memberPath, into: &out)
                }
            }
        }
    }

    private func checkCombinators(
        _ value: JSONValue, schema: JSONValue, path: String, into out: inout [SchemaViolation]
    ) {
        if case .array(let all) = schema["allOf"] ?? .null {
            for option in all { check(value, against: option, path: path, into: &out) }
        }
        if case .array(let any) = schema["anyOf"] ?? .null {
            let anyPasses = any.contains { option in
                var scratch: [SchemaViolation] = []
                check(value, against: option, path: path, into: &scratch)
                return scratch.isEmpty
            }
            if !anyPasses {
                out.append(SchemaViolation(path: path, code: "any-of", detail: "matches none of the allowed shapes"))
            }
        }
        if case .array(let one) = schema["oneOf"] ?? .null {
            var passing = 0
            var closest: [SchemaViolation]?
            for option in one {
                var scratch: [SchemaViolation] = []
                check(value, against: option, path: path, into: &scratch)
                if scratch.isEmpty {
                    passing += 1
                } else if closest == nil || scratch.count < closest!.count {
                    closest = scratch
                }
            }
            if passing == 0 {
                // Report the nearest shape's problems: they name the fields to fix.
                let nearest = closest ?? []
                out.append(
                    SchemaViolation(path: path, code: "one-of", detail: "matches none of the allowed shapes"))
                out.append(contentsOf: nearest.filter { $0.path != path || $0.code != "type" })
            } else if passing > 1 {
                out.append(SchemaViolation(path: path, code: "one-of", detail: "matches more than one shape"))
            }
        }
    }

    private static func matches(_ value: JSONValue, type: JSONValue) -> Bool {
        switch type {
        case .string(let name): return matches(value, typeName: name)
        case .array(let names): return names.contains { $0.stringValue.map { matches(value, typeName: $0) } ?? false }
        default: return true
        }
    }

    private static func matches(_ value: JSONValue, typeName: String) -> Bool {
        switch (typeName, value) {
        case ("number", .integer), ("number", .number): return true
        case ("integer", _): return value.integerValue != nil
        default: return value.schemaTypeName == typeName
        }
    }

    private static func describe(_ type: JSONValue) -> String {
        switch type {
        case .string(let name): return name
        case .array(let names): return names.compactMap(\.stringValue).joined(separator: " or ")
        default: return "?"
        }
    }

    private static func double(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .number(let number): number
        default: nil
        }
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }
}

/// Normalises every string of a record: Unicode NFC and trimmed, folded whitespace.
///
/// Registry exports arrive in NFC or NFD, and scraped names carry stray newlines; destinations compare
/// names byte for byte. What arrived is kept, by path, wherever normalisation changed it.
struct ReferenceTextNormalizer: Sendable {
    typealias Change = TextNormalizer.Change

    init() {}

    /// The normalised tree and the list of values that changed.
    func normalize(_ value: JSONValue) -> (value: JSONValue, changes: [Change]) {
        var changes: [Change] = []
        let result = normalize(value, path: "$", changes: &changes)
        return (result, changes)
    }

    /// One string in NFC with leading/trailing whitespace removed and inner runs folded to one space.
    static func normalizeText(_ text: String) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in composed.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.append(" ")
                pendingSpace = false
            }
            output.append(scalar)
        }
        return String(output)
    }

    /// Whether two strings have the same scalars (Swift's `==` treats NFC and NFD as equal).
    static func sameScalars(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.elementsEqual(rhs.unicodeScalars)
    }

    private func normalize(_ value: JSONValue, path: String, changes: inout [Change]) -> JSONValue {
        switch value {
        case .string(let text):
            let normalized = Self.normalizeText(text)
            if !Self.sameScalars(normalized, text) {
                changes.append(Change(path: path, original: text))
            }
            return .string(normalized)
        case .array(let items):
            return .array(
                items.enumerated().map { index, item in
                    normalize(item, path: "\(path)[\(index)]", changes: &changes)
                })
        case .object(let members):
            var result: [String: JSONValue] = [:]
            result.reserveCapacity(members.count)
            for key in members.keys.sorted() {
                result[key] = normalize(members[key]!, path: JSONPath.member(path, key), changes: &changes)
            }
            return .object(result)
        default:
            return value
        }
    }
}

/// The pure part of ingest: bytes in, a normalised, validated record (or the reasons it is not) out.
///
/// It touches no store and no network, so the HTTP endpoint, the batch endpoint, `civgate map` and the
/// tests all run exactly the same checks.
struct ReferenceRecordIntake: Sendable {
    /// A record ready to be stored.
    struct Accepted: Sendable {
        /// The normalised record as a JSON tree (unknown fields included).
        var document: JSONValue
        /// Canonical bytes of `document`: what is stored.
        var canonicalBytes: Data
        /// The typed view of the same record.
        var record: CivilRecord
        /// Values that normalisation changed, with what arrived.
        var normalizations: [ReferenceTextNormalizer.Change]
        var warnings: [RecordWarning]
    }

    /// Why a body is not an acceptable record.
    enum Rejection: Error, Sendable {
        /// Not JSON at all.
        case malformed
        /// `event` is a string but not one of the eleven event types.
        case unknownEventType(path: String)
        /// The record breaks its schema.
        case invalid([SchemaViolation])
    }

    private let validator: ReferenceSchemaValidator
    private let normalizer = ReferenceTextNormalizer()

    /// Uses the record schema shipped in `contracts/records/record.schema.json`.
    init(validator: ReferenceSchemaValidator) {
        self.validator = validator
    }

    /// Parses, normalises and validates one record body.
    func accept(_ body: some DataProtocol) -> Result<Accepted, Rejection> {
        guard let parsed = try? JSONValue.parse(body) else { return .failure(.malformed) }
        return accept(parsed)
    }

    /// Normalises and validates one parsed record.
    func accept(_ parsed: JSONValue) -> Result<Accepted, Rejection> {
        let (document, changes) = normalizer.normalize(parsed)
        if let event = document["event"]?.stringValue, EventType(rawValue: event) == nil {
            return .failure(.unknownEventType(path: "$.event"))
        }
        let violations = validator.validate(document)
        guard violations.isEmpty else { return .failure(.invalid(violations)) }
        let bytes: Data
        let record: CivilRecord
        do {
            bytes = try Self.canonicalBytes(document)
            record = try JSONDecoder().decode(CivilRecord.self, from: bytes)
        } catch {
            // The schema admits it but the typed model does not: report the decoding path.
            return .failure(
                .invalid([SchemaViolation(path: Self.path(of: error), code: "type", detail: "has an unexpected shape")])
            )
        }
        let impossibleDates = CalendarCheck.violations(in: record)
        guard impossibleDates.isEmpty else { return .failure(.invalid(impossibleDates)) }
        var warnings = RecordChecks.warnings(for: record)
        if !changes.isEmpty {
            warnings.append(
                RecordWarning(
                    code: "text-normalized", path: "$",
                    detail: "\(changes.count) text value(s) were normalised to NFC and trimmed; the originals are kept")
            )
        }
        return .success(
            Accepted(
                document: document, canonicalBytes: bytes, record: record, normalizations: changes, warnings: warnings))
    }

    static func canonicalBytes(_ value: JSONValue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    private static func path(of error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "$" }
        let codingPath: [any CodingKey]
        switch decodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            codingPath = context.codingPath
        case .keyNotFound(let key, let context):
            codingPath = context.codingPath + [key]
        @unknown default:
            codingPath = []
        }
        return codingPath.reduce("$") { path, key in
            key.intValue.map { "\(path)[\($0)]" } ?? JSONPath.member(path, key.stringValue)
        }
    }
}

// The JSON parser as it was before the string and integer fast paths.
/// A strict JSON parser (RFC 8259) straight into ``JSONValue``.
///
/// Foundation's decoder accepts some non-JSON (trailing commas), and decoding through `Codable` costs
/// more than ingest can spend per record; this is exact and fast.
struct ReferenceJSONParser {
    struct Failure: Error {
        /// Byte offset of the problem.
        var offset: Int
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private static let maxDepth = 64

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = ReferenceJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Failure(offset: parser.index) }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw Failure(offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw Failure(offset: index) }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members[key] = try value()
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            depth -= 1
            return .object(members)
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            depth -= 1
            return .array(items)
        }
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        var output: [UInt8] = []
        var start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                output.append(contentsOf: bytes[start..<index])
                index += 1
                guard let text = String(validating: output, as: UTF8.self) else { throw Failure(offset: start) }
                return text
            }
            if byte < 0x20 { throw Failure(offset: index) }
            if byte == UInt8(ascii: "\\") {
                output.append(contentsOf: bytes[start..<index])
                try escape(into: &output)
                start = index
                continue
            }
            index += 1
        }
        throw Failure(offset: index)
    }

    private mutating func escape(into output: inout [UInt8]) throws(Failure) {
        index += 1
        guard index < bytes.count else { throw Failure(offset: index) }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(code)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw Failure(offset: index)
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Failure(offset: index) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw Failure(offset: index)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Failure(offset: index) }
            output.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw Failure(offset: index - 1)
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Failure(offset: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Failure(offset: index)
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw Failure(offset: index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        var integral = true
        if peek(UInt8(ascii: ".")) {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw Failure(offset: index) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            integral = false
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw Failure(offset: index) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text) else { throw Failure(offset: start) }
        return .number(value)
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count, bytes[index..<(index + expected.count)].elementsEqual(expected)
        else {
            throw Failure(offset: index)
        }
        index += expected.count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Failure(offset: index) }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek(byte) else { throw Failure(offset: index) }
        index += 1
    }

    private func peek(_ byte: UInt8) -> Bool {
        index < bytes.count && bytes[index] == byte
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }
}
