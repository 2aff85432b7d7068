public import CivgateModel

/// Reads simple paths into a record's JSON: `registration.date`, `subjects[child].pin` (a subject chosen
/// by role), `subjects[0].pin` (by index).
public enum RecordPath {
    /// Whether the path leads to a value other than null.
    public static func isPresent(_ path: String, in document: JSONValue) -> Bool {
        guard let value = value(path, in: document) else { return false }
        return value != .null
    }

    /// The value at `path`, if any.
    public static func value(_ path: String, in document: JSONValue) -> JSONValue? {
        var node: JSONValue? = document
        for segment in path.split(separator: ".") {
            guard let current = node else { return nil }
            if let open = segment.firstIndex(of: "["), segment.last == "]" {
                let name = String(segment[..<open])
                let selector = String(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)])
                guard case .array(let items) = current[name] ?? .null else { return nil }
                if let index = Int(selector) {
                    node = items.indices.contains(index) ? items[index] : nil
                } else {
                    node = items.first { $0["role"]?.stringValue == selector }
                }
            } else {
                node = current[String(segment)]
            }
        }
        return node
    }
}
