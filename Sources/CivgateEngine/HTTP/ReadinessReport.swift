/// What `/readyz` reports: ready only when the store answers and the dispatcher runs.
public struct ReadinessReport: Sendable, Codable {
    /// One check's state.
    public struct Check: Sendable, Codable {
        public var status: String
        public var detail: String?

        public init(status: String, detail: String? = nil) {
            self.status = status
            self.detail = detail
        }
    }

    public var status: String
    public var checks: [String: Check]

    var ready: Bool { status == "ready" }

    public init(checks: [String: Check]) {
        self.checks = checks
        self.status = checks.values.allSatisfy { $0.status == "ok" } ? "ready" : "not-ready"
    }
}
