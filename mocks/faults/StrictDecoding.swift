import Foundation

/// A coding key for any string, to list the keys an object really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Refuses keys outside `Keys`: a typo such as `errorRate` must not silently mean "no faults".
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Keys.allCases.map(\.stringValue)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw FaultProfileError(
                .unknownField,
                "\(codingPathText(codingPath + [key])): unknown field (known: \(known.joined(separator: ", ")))")
        }
    }
}

/// `errorRates[0].rate` for a coding path.
func codingPathText(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return text.isEmpty ? "(top level)" : text
}

extension FaultProfileError {
    /// A readable message for a JSONDecoder failure: the path and the reason, not the whole context dump.
    init(decoding error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context):
            self.init(.invalidJSON, "\(codingPathText(context.codingPath)): expected \(Self.name(of: type))")
        case .valueNotFound(let type, let context):
            self.init(
                .invalidJSON, "\(codingPathText(context.codingPath)): expected \(Self.name(of: type)), found null")
        case .keyNotFound(let key, let context):
            self.init(.invalidJSON, "\(codingPathText(context.codingPath + [key])): required field missing")
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0.localizedDescription))" } ?? ""
            self.init(.invalidJSON, "\(codingPathText(context.codingPath)): \(context.debugDescription)\(underlying)")
        @unknown default:
            self.init(.invalidJSON, "\(error)")
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Double.Type: "a number"
        case is Int.Type, is UInt64.Type: "an integer"
        case is String.Type: "a string"
        default: "\(type)"
        }
    }
}
