/// When to try a failed delivery again, and when to stop.
///
/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): the
/// delay before attempt n+1 is uniform in [0, min(cap, base·2ⁿ⁻¹)], never shorter than the destination's
/// `Retry-After`. Like mature job queues (Sidekiq: 25 retries over ~3 weeks; Oban and River: 20–25
/// attempts), a delivery keeps trying for days: national systems go down for hours.
///
/// Keys (`destinations.NAME.retry.*`): `baseDelay` (`2s`), `maxDelay` (`1h`), `maxAttempts` (`200`),
/// `maxAge` (`7d`, counted from the record's arrival). With the defaults a delivery is retried for about
/// four days of steady failure before it goes to `dead`, unless `maxAge` comes first.
public struct RetryPolicy: Sendable, Codable, Hashable {
    public var baseDelay = ConfigDuration.seconds(2)
    public var maxDelay = ConfigDuration.seconds(3600)
    public var maxAttempts = 200
    public var maxAge = ConfigDuration(milliseconds: 7 * 86_400_000)

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case baseDelay, maxDelay, maxAttempts, maxAge
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        baseDelay = try container.value(.baseDelay, or: defaults.baseDelay)
        maxDelay = try container.value(.maxDelay, or: defaults.maxDelay)
        maxAttempts = try container.value(.maxAttempts, or: defaults.maxAttempts)
        maxAge = try container.value(.maxAge, or: defaults.maxAge)
    }

    /// The ceiling of the jittered delay after `attempt` failed attempts (attempt counts from 1).
    public func ceiling(afterAttempt attempt: Int) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 40)
        let grown = Double(baseDelay.milliseconds) * pow2(exponent)
        return Int64(min(grown, Double(maxDelay.milliseconds)))
    }

    /// The delay in milliseconds before the next attempt: full jitter, at least `retryAfter`.
    public func delay(
        afterAttempt attempt: Int, retryAfter: Duration?,
        random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }
    ) -> Int64 {
        let jittered = random(0...max(ceiling(afterAttempt: attempt), 0))
        guard let retryAfter else { return jittered }
        let (seconds, attoseconds) = retryAfter.components
        let asked = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return max(jittered, min(asked, maxDelay.milliseconds))
    }

    /// Whether another attempt is allowed after `attempts` attempts, `ageMilliseconds` after arrival.
    public func allowsAnotherAttempt(after attempts: Int, ageMilliseconds: Int64) -> Bool {
        attempts < maxAttempts && ageMilliseconds < maxAge.milliseconds
    }

    private func pow2(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<exponent { value *= 2 }
        return value
    }
}
