public import Foundation

/// A record ready to be written, with its planned deliveries.
public struct NewRecord: Sendable {
    public var id: String
    public var source: RecordView.Source
    public var event: String
    public var authorityCode: String
    public var authoritySystem: String
    public var registrationDate: String?
    public var lane: Lane
    /// Canonical JSON of the normalised record.
    public var document: Data
    /// JSON list of `{path, original}` for values normalisation changed; `nil` when none did.
    public var originals: Data?
    public var warnings: [WarningView]
    public var receivedAt: Int64
    /// The people this record is about (`pin:…`, `record:…`): per person and destination, deliveries go
    /// in `orderKey` order.
    public var personKeys: [String]
    /// Registration order: registration date (or arrival date), then arrival time.
    public var orderKey: String
}

/// What earlier versions of a record achieved, found inside the ingest transaction.
public struct PriorVersions: Sendable {
    /// Ids of the earlier versions' records.
    public var recordIDs: [String] = []
    /// Results of their succeeded deliveries, by `destination` then `operation`.
    public var succeeded: [String: [String: [String: String]]] = [:]

    public init() {}

    /// Whether an earlier version already completed `operation` at `destination`.
    public func didSucceed(destination: String, operation: String) -> Bool {
        succeeded[destination]?[operation] != nil
    }
}

/// A delivery to create with its record.
public struct PlannedDelivery: Sendable {
    /// The route step this delivery performs (its operation may differ: an update for a new version).
    public var id: String
    public var destination: String
    public var operation: String
    public var step: Int
    /// Id of the delivery whose success this one waits for.
    public var dependsOn: String?
    public var outboundKey: String
}

/// An ingest write: the record and the idempotency entry that must land in the same transaction.
public struct IngestWrite: Sendable {
    public var record: NewRecord
    /// Plans the deliveries, knowing what earlier versions of the record achieved.
    public var plan: @Sendable (PriorVersions) -> [PlannedDelivery]
    /// `nil` for batch lines, which are idempotent by natural key alone.
    public var idempotencyKey: String?
    public var fingerprint: String
    public var keyExpiresAt: Int64
}

/// What an ingest write did.
public enum IngestWriteOutcome: Sendable {
    /// A new record: answer 202 with this view (`body` is empty when the write had no idempotency key).
    case created(RecordView, body: Data)
    /// The same source/recordId/version already exists: nothing new, answer 200.
    case existing(RecordView, body: Data)
    /// The idempotency key was stored meanwhile (another node or process): answer from it.
    case keyTaken(StoredResponse)
}

/// The response stored for an idempotency key.
public struct StoredResponse: Sendable {
    public var status: Int
    public var body: Data
    public var fingerprint: String
    /// The record the response is about.
    public var recordID: String
}

/// A delivery claimed by a worker, with what its adapter needs.
public struct ClaimedDelivery: Sendable {
    public var id: String
    public var recordID: String
    public var destination: String
    public var operation: String
    /// The number of this attempt (from 1).
    public var attempt: Int
    public var outboundKey: String
    public var document: Data
    public var recordReceivedAt: Int64
    /// Results of succeeded deliveries of the same record, by operation.
    public var upstreamResults: [String: [String: String]]
    public var confirmations: Set<String>
    /// Attempts since the retry budget was last renewed (by an operator's replay).
    public var attemptInBudget: Int
    /// When the retry budget began: the record's arrival, or the last replay.
    public var budgetSince: Int64
}

/// The end of one attempt: what happened and the state it leads to.
public struct DeliveryCompletion: Sendable {
    public var deliveryID: String
    public var leaseOwner: String
    public var attempt: AttemptRecord
    public var newState: DeliveryState
    public var cause: String
    public var nextAttemptAt: Int64?
    public var result: [String: String]?
    public var errorCode: String?
    public var errorDetail: String?
    public var missingFields: [String]?
    /// The message sent, kept as the delivery's last message for operators.
    public var requestBody: Data?
}

/// One attempt as it is stored.
public struct AttemptRecord: Sendable {
    public var number: Int
    public var startedAt: Int64
    public var durationMs: Int
    public var httpStatus: Int?
    /// `success`, `retryable`, `review`, `needs_data` or `permanent`.
    public var outcome: String
    public var errorClass: String?
    public var detail: String?
    public var requestDigest: String?
    public var responseExcerpt: String?
}

/// The store cannot write now (disk full, locked too long, read-only): answer 503, try later.
public struct StoreUnavailable: Error, CustomStringConvertible {
    public var description: String
}
