/// A record as the API shows it: identifiers, state and deliveries, never personal data.
public struct RecordView: Sendable, Codable, Hashable {
    public struct Source: Sendable, Codable, Hashable {
        public var system: String
        public var recordId: String
        public var version: Int
    }

    public var id: String
    public var source: Source
    public var event: String
    public var lane: Lane
    public var receivedAt: String
    /// `in-progress`, `succeeded`, `attention` (something needs a person) or `discarded`.
    public var state: String
    public var deliveries: [DeliverySummary]
    public var warnings: [WarningView]
}

/// A warning as the API shows it.
public struct WarningView: Sendable, Codable, Hashable {
    public var code: String
    public var path: String
    public var detail: String
}

/// One delivery in short.
public struct DeliverySummary: Sendable, Codable, Hashable {
    public var id: String
    public var destination: String
    public var operation: String
    public var state: DeliveryState
    public var attempts: Int
    public var nextAttemptAt: String?
    public var result: [String: String]?
    public var lastError: ErrorView?
}

/// The last error of a delivery.
public struct ErrorView: Sendable, Codable, Hashable {
    public var code: String
    public var detail: String
    public var at: String
}

/// A delivery in full: its history of transitions and attempts.
public struct DeliveryView: Sendable, Codable, Hashable {
    public var id: String
    public var recordId: String
    public var destination: String
    public var operation: String
    public var step: Int
    public var dependsOn: String?
    public var lane: Lane
    public var state: DeliveryState
    public var attempts: Int
    public var outboundKey: String
    public var nextAttemptAt: String?
    public var result: [String: String]?
    public var lastError: ErrorView?
    public var missingFields: [String]?
    public var createdAt: String
    public var updatedAt: String
    public var transitions: [TransitionView]
    public var attemptLog: [AttemptView]
}

/// A state change with its cause.
public struct TransitionView: Sendable, Codable, Hashable {
    public var at: String
    public var from: String?
    public var to: String
    public var cause: String
}

/// One attempt to deliver.
public struct AttemptView: Sendable, Codable, Hashable {
    public var number: Int
    public var startedAt: String
    public var durationMs: Int
    public var httpStatus: Int?
    public var outcome: String
    public var errorClass: String?
    public var detail: String?
    /// SHA-256 of the message sent, hex.
    public var requestDigest: String?
    public var responseExcerpt: String?
}
