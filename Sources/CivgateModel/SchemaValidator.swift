import Foundation

/// Validates JSON values against a JSON Schema (draft 2020-12), for the subset of keywords our contracts
/// use: `type, properties, required, additionalProperties, items, minItems, maxItems, enum, const,
/// pattern, minLength, maxLength, minimum, maximum, oneOf, anyOf, allOf, $ref` (local `#/$defs/…`).
///
/// The contract files in `contracts/` are the single source of truth; this compiles them once into
/// ``SchemaNode``s so ingest enforces exactly what they say without re-reading the schema per record.
/// A test checks the same files with a complete third-party validator.
public final class SchemaValidator: Sendable {
    /// Raised when the schema itself uses something this validator does not support.
    public struct UnsupportedSchema: Error, CustomStringConvertible {
        public var description: String
    }

    private let root: SchemaNode

    /// Loads a schema document; throws `UnsupportedSchema` for keywords outside the subset.
    public init(schema: JSONValue) throws {
        var compiled: [String: FixedPattern] = [:]
        var references: Set<String> = []
        try Self.collectPatterns(schema, into: &compiled, references: &references)
        for reference in references where SchemaNode.Compiler.resolve(reference, in: schema) == nil {
            throw UnsupportedSchema(description: "$ref '\(reference)' does not resolve inside the schema")
        }
        var compiler = SchemaNode.Compiler(root: schema, patterns: compiled)
        root = compiler.compile(schema)
    }

    /// Every violation of the schema by `value`; empty when it is valid.
    public func validate(_ value: JSONValue) -> [SchemaViolation] {
        // Most documents are valid: prove that without building a single path, then report in full.
        if root.isValid(value) { return [] }
        var violations: [SchemaViolation] = []
        root.check(value, path: "$", into: &violations)
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
}
