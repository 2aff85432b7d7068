/// What one `completeAndClaim` transaction did.
public struct ClaimRound: Sendable {
    /// Deliveries leased to the caller.
    public var claimed: [ClaimedDelivery] = []
    /// Destinations of deliveries the completions released (dependents now pending).
    public var released: Set<String> = []

    public init() {}
}
