import Synchronization

/// Keeps this process's leases alive while their attempts run: one loop renews every in-flight lease
/// in one transaction every third of the lease, instead of one renewal task per attempt. An attempt
/// slower than the lease is thus never taken over (and sent twice) by another worker while it runs.
final class LeaseKeeper: Sendable {
    private let store: any GatewayStore
    private let owner: String
    private let lease: Int64
    /// In-flight deliveries of this process: id → attempt number (the fence).
    private let held = Mutex<[String: Int]>([:])

    /// - Parameter lease: the lease length, in milliseconds.
    init(store: any GatewayStore, owner: String, lease: Int64) {
        self.store = store
        self.owner = owner
        self.lease = lease
    }

    /// Keeps the lease of `delivery`'s attempt from now until `release`.
    func hold(_ delivery: ClaimedDelivery) {
        held.withLock { $0[delivery.id] = delivery.attempt }
    }

    /// Stops renewing the lease of this attempt (its outcome is recorded, or it was given up).
    func release(id: String, attempt: Int) {
        held.withLock { held in
            if held[id] == attempt { held[id] = nil }
        }
    }

    /// Renews until cancelled.
    func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .milliseconds(max(lease / 3, 10)))
            } catch {
                return
            }
            let leases = held.withLock { $0 }
            _ = try? await store.renewLeases(leases, owner: owner, until: Timestamp.now() + lease)
        }
    }
}
