/// One way in which a document breaks its schema.
///
/// `detail` names the rule, never the offending value: values may be personal data.
public struct SchemaViolation: Sendable, Hashable, Codable {
    /// JSON path of the value, e.g. `$.subjects[0].pin`.
    public var path: String
    /// Stable rule code: `required`, `type`, `enum`, `pattern`, `max-length`, ….
    public var code: String
    /// A sentence about the rule, safe to show to anyone.
    public var detail: String

    public init(path: String, code: String, detail: String) {
        self.path = path
        self.code = code
        self.detail = detail
    }
}
