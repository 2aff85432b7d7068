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
        var location: [PathStep] = []
        let result = normalize(value, at: &location, changes: &changes)
        return (result ?? value, changes)
    }

    /// One string in NFC with leading/trailing whitespace removed and inner runs folded to one space.
    public static func normalizeText(_ text: String) -> String {
        isNormalized(text) ? text : rebuild(text)
    }

    /// Whether two strings have the same scalars (Swift's `==` treats NFC and NFD as equal).
    public static func sameScalars(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.elementsEqual(rhs.unicodeScalars)
    }

    private static func rebuild(_ text: String) -> String {
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

    /// One step of the path to a value; the path string is only built for values that changed.
    private enum PathStep {
        case member(String)
        case element(Int)
    }

    /// The normalised value, or `nil` when normalisation leaves it as it is (no tree is rebuilt then).
    private func normalize(_ value: JSONValue, at location: inout [PathStep], changes: inout [Change]) -> JSONValue? {
        switch value {
        case .string(let text):
            guard !Self.isNormalized(text) else { return nil }
            let normalized = Self.rebuild(text)
            guard !Self.sameScalars(normalized, text) else { return nil }
            changes.append(Change(path: Self.path(location), original: text))
            return .string(normalized)
        case .array(let items):
            var result: [JSONValue]?
            for (index, item) in items.enumerated() {
                location.append(.element(index))
                if let normalized = normalize(item, at: &location, changes: &changes) {
                    if result == nil { result = items }
                    result![index] = normalized
                }
                location.removeLast()
            }
            return result.map { .array($0) }
        case .object(let members):
            // Changes are reported in sorted key order; collect them per member and order only those.
            var updated: [(key: String, value: JSONValue, changes: [Change])] = []
            for (key, member) in members {
                location.append(.member(key))
                var memberChanges: [Change] = []
                if let normalized = normalize(member, at: &location, changes: &memberChanges) {
                    updated.append((key, normalized, memberChanges))
                }
                location.removeLast()
            }
            guard !updated.isEmpty else { return nil }
            updated.sort { $0.key < $1.key }
            var result = members
            for update in updated {
                result[update.key] = update.value
                changes.append(contentsOf: update.changes)
            }
            return .object(result)
        default:
            return nil
        }
    }

    private static func path(_ location: [PathStep]) -> String {
        location.reduce("$") { path, step in
            switch step {
            case .member(let key): JSONPath.member(path, key)
            case .element(let index): "\(path)[\(index)]"
            }
        }
    }
}
