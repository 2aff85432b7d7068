/// Builds JSON paths in the form used in problem reports: `$.subjects[0].name.full`.
public enum JSONPath {
    /// The path of member `key` below `parent`, bracket-quoted when the key is not a plain identifier.
    public static func member(_ parent: String, _ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy { scalar in
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
            }
        return plain ? "\(parent).\(key)" : "\(parent)['\(key.replacingOccurrences(of: "'", with: "\\'"))']"
    }
}
