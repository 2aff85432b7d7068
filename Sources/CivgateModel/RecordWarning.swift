/// Something unusual about an accepted record: reported, stored, never a reason to reject.
///
/// `detail` never carries personal data: it names the rule, not the value.
public struct RecordWarning: Sendable, Hashable, Codable {
    /// Stable code, e.g. `young-parent`, `pin-structure-mismatch`, `text-normalized`.
    public var code: String
    /// JSON path of the field concerned.
    public var path: String
    public var detail: String

    public init(code: String, path: String, detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }
}
