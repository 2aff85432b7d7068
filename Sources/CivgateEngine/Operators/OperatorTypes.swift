/// Which deliveries an operator means. Empty lists mean "any".
public struct DeliveryFilter: Sendable, Hashable {
    public var ids: [String] = []
    public var states: [DeliveryState] = []
    public var destinations: [String] = []
    public var events: [String] = []
    public var authorities: [String] = []
    public var errorCodes: [String] = []
    public var recordIDs: [String] = []
    public var lanes: [Lane] = []
    /// Updated at or after (ms since epoch).
    public var since: Int64?
    /// Updated before (ms since epoch).
    public var until: Int64?
    /// Page size.
    public var limit = 50
    /// Paging cursor: the last `orderKey|id` of the previous page.
    public var after: String?

    public init() {}
}

/// A delivery as operator listings show it: identifiers, state and error, no personal data.
public struct DeliveryRow: Sendable, Codable, Hashable {
    public var id: String
    public var recordId: String
    public var sourceRecordId: String
    public var sourceVersion: Int
    public var event: String
    public var authority: String
    public var destination: String
    public var operation: String
    public var lane: Lane
    public var state: DeliveryState
    public var attempts: Int
    public var lastErrorCode: String?
    public var lastErrorDetail: String?
    public var updatedAt: String
    /// Paging cursor for the next page.
    public var cursor: String
}

/// What happened to one delivery an operator acted on.
public struct OperatorOutcome: Sendable, Codable, Hashable {
    public var id: String
    /// `replayed`, `resolved`, `discarded`, `skipped` or `not-found`.
    public var result: String
    public var from: DeliveryState?
    public var to: DeliveryState?
    public var detail: String?
}

/// One audited action.
public struct AuditEntry: Sendable, Codable, Hashable {
    public var id: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var target: String
    public var reason: String
    public var details: [String: String]?
}

/// Per destination and lane: counts by state, the oldest waiting delivery, recent outcomes.
public struct StatusReport: Sendable, Codable, Hashable {
    public struct Lane: Sendable, Codable, Hashable {
        public var destination: String
        public var lane: String
        public var counts: [String: Int]
        /// Age in seconds of the oldest delivery not yet finished (pending, retrying, waiting, in flight).
        public var oldestWaitingSeconds: Int?
        public var recentAttempts: Int
        public var recentSucceeded: Int
        public var recentFailed: Int
        /// `closed`, `open`, `half-open`, or `unknown` when no dispatcher reported.
        public var breaker: String
    }

    public var generatedAt: String
    public var windowMinutes: Int
    public var lanes: [Lane]
}

/// Why an operator action was refused as a whole.
public struct OperatorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
