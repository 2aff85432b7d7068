import Synchronization

/// A token bucket: at most `perSecond` requests a second to one destination, in bursts of at most
/// `perSecond` (at least 1). National systems publish quotas; exceeding them earns 429s.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perSecond: Double
    private let bucket: Mutex<Bucket>

    /// `perSecond` ≤ 0 means no limit.
    init(perSecond: Double) {
        self.perSecond = perSecond
        bucket = Mutex(Bucket(tokens: max(1, perSecond), updated: .now))
    }

    /// Waits until a request may go.
    func acquire() async throws {
        guard perSecond > 0 else { return }
        while true {
            let wait = bucket.withLock { bucket -> Duration? in
                let now = ContinuousClock.now
                let elapsed = now - bucket.updated
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                bucket.tokens = min(max(1, perSecond), bucket.tokens + seconds * perSecond)
                bucket.updated = now
                if bucket.tokens >= 1 {
                    bucket.tokens -= 1
                    return nil
                }
                return .milliseconds(Int64(((1 - bucket.tokens) / perSecond) * 1000) + 1)
            }
            guard let wait else { return }
            try await Task.sleep(for: wait)
        }
    }
}
