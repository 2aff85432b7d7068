public import Foundation

/// A JSON document as a value tree.
///
/// Records are stored as they arrived (after normalisation), including fields civgate does not know yet,
/// so the gateway works on this tree rather than on a lossy typed model.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string payload, or `nil` for any other kind.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer payload (also for a number without a fraction), or `nil`.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: return Int64(value)
        default: return nil
        }
    }

    /// The JSON Schema type name of this value (`integer` values are also `number`s).
    public var schemaTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Parses JSON bytes strictly (RFC 8259); throws for anything else, trailing commas included.
    public static func parse(_ bytes: some DataProtocol) throws -> JSONValue {
        try JSONParser.parse(Array(bytes))
    }

    /// Compact JSON with sorted keys: stable bytes for storage and digests.
    ///
    /// Byte for byte what `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` writes (stored
    /// documents and digests depend on it), written by ``CanonicalJSONWriter`` at a fraction of the cost.
    public func canonicalBytes() throws -> Data {
        var writer = CanonicalJSONWriter()
        try writer.write(self)
        return Data(writer.bytes)
    }
}
