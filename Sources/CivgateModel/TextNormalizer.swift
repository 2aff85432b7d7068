import Foundation

/// Normalises every string of a record: Unicode NFC and trimmed, folded whitespace.
///
/// Registry exports arrive in NFC or NFD, and scraped names carry stray newlines; destinations compare
/// names byte for byte. What arrived is kept, by path, wherever normalisation changed it.
public struct TextNormalizer: Sendable {
    /// A string that normalisation changed, with where it was and what arrived.
    public struct Change: Sendable, Hashable, Codable {
        /// JSON path of the value, e.g. `$.subjects[0].name.full`.
        public var path: String
        /// The value exactly as it arrived.
        public var original: String
    }

    public init() {}

    /// The normalised tree and the list of values that changed.
    public func normalize(_ value: JSONValue) -> (value: JSONValue, changes: [Change]) {
        var changes: [Change] = []
        let result = normalize(value, path: "$", changes: &changes)
        return (result, changes)
    }

    /// One string in NFC with leading/trailing whitespace removed and inner runs folded to one space.
    public static func normalizeText(_ text: String) -> String {
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
    public static func sameScalars(_ lhs: String, _ rhs: String) -> Bool {
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
