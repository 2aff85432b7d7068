import Foundation

/// Validates JSON values against a JSON Schema (draft 2020-12), for the subset of keywords our contracts
/// use: `type, properties, required, additionalProperties, items, minItems, maxItems, enum, const,
/// pattern, minLength, maxLength, minimum, maximum, oneOf, anyOf, allOf, $ref` (local `#/$defs/…`).
///
/// The contract files in `contracts/` are the single source of truth; this interprets them so ingest
/// enforces exactly what they say. A test checks the same files with a complete third-party validator.
public final class SchemaValidator: Sendable {
    /// Raised when the schema itself uses something this validator does not support.
    public struct UnsupportedSchema: Error, CustomStringConvertible {
        public var description: String
    }

    private let root: JSONValue
    private let patterns: [String: FixedPattern]

    /// Loads a schema document; throws `UnsupportedSchema` for keywords outside the subset.
    public init(schema: JSONValue) throws {
        root = schema
        var compiled: [String: FixedPattern] = [:]
        var references: Set<String> = []
        try Self.collectPatterns(schema, into: &compiled, references: &references)
        patterns = compiled
        for reference in references where resolve(reference) == nil {
            throw UnsupportedSchema(description: "$ref '\(reference)' does not resolve inside the schema")
        }
    }

    /// Every violation of the schema by `value`; empty when it is valid.
    public func validate(_ value: JSONValue) -> [SchemaViolation] {
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
        _ schema: JSONValue, into patterns: inout [String: FixedPattern], references: inout Set<String>
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
                patterns[pattern] = try FixedPattern(pattern)
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
