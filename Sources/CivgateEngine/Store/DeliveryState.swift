/// The states of a delivery (DESIGN.md, "Delivery state machine").
public enum DeliveryState: String, Sendable, Codable, CaseIterable, Hashable {
    case pending
    case inFlight = "in_flight"
    case succeeded
    case retrying
    /// On a dependency (the card waits for the PIN) or an earlier event of the same person.
    case waiting
    /// A person must decide (e.g. a suspected duplicate for twins).
    case review
    /// Fields are missing; waits for a newer version of the record.
    case needsData = "needs_data"
    case dead
    case discarded

    /// States from which the dispatcher may claim a delivery.
    public static let claimable: [DeliveryState] = [.pending, .retrying]
    /// States an operator may put back in the queue.
    public static let replayable: [DeliveryState] = [.dead, .review, .needsData]
    /// States a newer version of the record replaces (not started, or failed).
    public static let supersedable: [DeliveryState] = [.pending, .retrying, .waiting, .review, .needsData, .dead]
    /// States an operator may discard.
    public static let discardable: [DeliveryState] = [.pending, .retrying, .waiting, .review, .needsData, .dead]
}

/// Live registrations and historical backfill are queued apart so backfill never starves live records.
public enum Lane: String, Sendable, Codable, CaseIterable, Hashable {
    case live
    case backfill
}
