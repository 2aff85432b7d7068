/// Maps records to one destination's messages and classifies that destination's replies.
///
/// An adapter is pure: it sees a record and the results of earlier steps, never the store, the clock of
/// the dispatcher or the network. The engine does the HTTP call and keeps the state.
public protocol DestinationAdapter: Sendable {
    /// The destination's name in routes and configuration, e.g. `population`.
    var destination: String { get }
    /// The operations this adapter can perform, e.g. `assign-pin`.
    var operations: Set<String> { get }
    /// The request to send for `job`, or why it cannot be made.
    func prepare(_ job: DeliveryJob) -> PreparedRequest
    /// What a reply means for the delivery.
    func classify(_ reply: DestinationReply, for job: DeliveryJob) -> DeliveryOutcome
}

/// Everything an adapter may know about one delivery.
public struct DeliveryJob: Sendable {
    public var deliveryID: String
    public var record: CivilRecord
    public var operation: String
    /// Stable per (record, version, destination, operation): sent on every attempt and replay.
    public var outboundKey: String
    /// Attempt number, from 1.
    public var attempt: Int
    /// Results of earlier steps of the same record, keyed by operation (e.g. `assign-pin` → `pin`).
    public var upstreamResults: [String: [String: String]]
    /// Operator confirmations recorded on this delivery, e.g. `multiple-birth-confirmed`.
    public var confirmations: Set<String>
    /// Today's date in Vietnam (`YYYY-MM-DD`), given by the engine so adapters need no clock; empty when
    /// unknown (previews, tests), in which case no date-based decision is made.
    public var today: String

    public init(
        deliveryID: String, record: CivilRecord, operation: String, outboundKey: String, attempt: Int,
        upstreamResults: [String: [String: String]] = [:], confirmations: Set<String> = [], today: String = ""
    ) {
        self.deliveryID = deliveryID
        self.record = record
        self.operation = operation
        self.outboundKey = outboundKey
        self.attempt = attempt
        self.upstreamResults = upstreamResults
        self.confirmations = confirmations
        self.today = today
    }
}

/// An HTTP request to a destination, relative to its configured base URL.
public struct OutboundRequest: Sendable, Hashable {
    public var method: String
    /// Path below the destination's base URL, starting with `/`.
    public var path: String
    public var contentType: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, contentType: String, headers: [String: String] = [:], body: [UInt8]) {
        self.method = method
        self.path = path
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }
}

/// The result of mapping a record for a destination.
public enum PreparedRequest: Sendable {
    case send(OutboundRequest)
    /// The destination requires fields the record (or its book) lacks; wait for a newer version.
    case needsData(fields: [String], detail: String)
    /// The record can never be mapped for this operation.
    case unmappable(code: String, detail: String)
    /// Nothing to send: the operation does not apply to this record (e.g. a child card for a person
    /// born decades ago). The delivery succeeds without a call; `reason` is kept as its result.
    case skip(reason: String)
}

/// A destination's HTTP reply.
public struct DestinationReply: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a reply means for the delivery.
public enum DeliveryOutcome: Sendable, Hashable {
    /// Done; `result` is stored and handed to dependent steps (e.g. `["pin": "001226…"]`).
    case success(result: [String: String])
    /// Try again later; `after` is the destination's `Retry-After`, if it gave one.
    case retry(code: String, detail: String, after: Duration?)
    /// A person must look at it (e.g. a suspected duplicate for twins).
    case review(code: String, detail: String)
    /// Fields are missing; wait for a newer version of the record.
    case needsData(fields: [String], detail: String)
    /// The destination refused it for good: dead letter.
    case permanent(code: String, detail: String)
}

/// Operator confirmations recorded on a delivery and handed to its adapter.
public enum Confirmation {
    /// An operator confirmed twins/triplets: identical details are a multiple birth, not a duplicate.
    public static let multipleBirth = "multiple-birth-confirmed"
}
