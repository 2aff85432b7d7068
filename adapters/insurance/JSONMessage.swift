import CivgateModel

/// A message body (or part of one) as a JSON tree, written with the canonical writer: the same bytes as
/// `JSONEncoder` with sorted keys, at a fraction of its cost (the encoder was 1 % of the CPU of
/// `civgate bench`'s end-to-end phase for this adapter's messages alone).
protocol JSONMessage {
    var json: JSONValue { get }
}

extension JSONValue {
    /// An object of the members that have a value: a `nil` member is left out, never sent as null.
    static func members(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (key, value) in pairs { if let value { members[key] = value } }
        return .object(members)
    }

    /// A string member.
    static func text(_ text: String?) -> JSONValue? { text.map { .string($0) } }

    /// An integer member.
    static func number(_ number: Int?) -> JSONValue? { number.map { .integer(Int64($0)) } }
}
