/// Durable state of the gateway: records, idempotency keys, deliveries, attempts, transitions.
///
/// One protocol, so the engine does not care which database holds it. Every method that writes returns
/// only after its transaction is on disk.
public protocol GatewayStore: Sendable {
    /// Writes a record, its deliveries and its idempotency entry in one transaction.
    func ingest(_ write: IngestWrite) async throws -> IngestWriteOutcome
    /// The response stored for a key that has not expired.
    func storedResponse(forKey key: String, now: Int64) async throws -> StoredResponse?
    /// A record with its deliveries.
    func recordView(id: String) async throws -> RecordView?
    /// A delivery with its transitions and attempts.
    func deliveryView(id: String) async throws -> DeliveryView?
    /// Leases up to `limit` due deliveries of `destination` to `owner` until `leaseUntil`; also takes
    /// back deliveries whose lease expired (their worker died).
    func claim(destination: String, lane: Lane, owner: String, limit: Int, now: Int64, leaseUntil: Int64)
        async throws -> [ClaimedDelivery]
    /// Records an attempt and moves the delivery on; ignored when `owner` no longer holds the lease.
    /// Returns the destinations of deliveries that this released (dependents now pending).
    @discardableResult
    func complete(_ completion: DeliveryCompletion, now: Int64) async throws -> Set<String>
    /// Records finished attempts (as `complete` does, each ignored when its lease was lost) and then
    /// leases up to `limit` due deliveries (as `claim` does), in one transaction: a worker's next claim
    /// carries its last result, so each delivery costs one write round trip instead of two.
    func completeAndClaim(
        _ completions: [DeliveryCompletion], destination: String, lane: Lane, owner: String, limit: Int, now: Int64,
        leaseUntil: Int64
    ) async throws -> ClaimRound
    /// Extends `owner`'s lease on an in-flight delivery; `false` when the lease was lost.
    func renewLease(id: String, owner: String, attempt: Int, until: Int64) async throws -> Bool
    /// Extends, in one transaction, `owner`'s leases on in-flight deliveries (id → attempt number; an
    /// attempt taken over since is not extended). Returns the ids whose lease was lost.
    func renewLeases(_ held: [String: Int], owner: String, until: Int64) async throws -> Set<String>
    /// Gives back every lease `owner` holds (graceful shutdown); returns how many.
    @discardableResult
    func releaseLeases(owner: String, now: Int64) async throws -> Int
    /// Deletes idempotency entries past their retention; returns how many.
    @discardableResult
    func purgeExpiredKeys(now: Int64) async throws -> Int
    /// Checks that the database answers.
    func ping() async throws
    /// Puts `dead`, `review` and `needs_data` deliveries back in the queue (audited).
    func replay(ids: [String], newKey: Bool, actor: String, reason: String, now: Int64) async throws
        -> [OperatorOutcome]
    /// Records an operator's confirmation on a delivery under review and sends it again (audited).
    func resolve(id: String, confirmation: String, actor: String, reason: String, now: Int64) async throws
        -> OperatorOutcome
    /// Gives up on deliveries for good (audited).
    func discard(ids: [String], actor: String, reason: String, now: Int64) async throws -> [OperatorOutcome]
    /// Records the breaker state of a destination.
    func reportHealth(destination: String, state: String, now: Int64) async throws
}
