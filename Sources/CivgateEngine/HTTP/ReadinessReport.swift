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
    /// Circuit breaker per destination (`closed`, `open`, `half-open`): an open breaker does not make
    /// the gateway unready, since intake still works and deliveries wait.
    public var destinations: [String: String]?

    var ready: Bool { status == "ready" }

    public init(checks: [String: Check], destinations: [String: String]? = nil) {
        self.checks = checks
        self.destinations = destinations
        self.status = checks.values.allSatisfy { $0.status == "ok" } ? "ready" : "not-ready"
    }
}
