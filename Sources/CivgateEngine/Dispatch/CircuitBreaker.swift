import Synchronization

/// Stops calling a destination that keeps failing, and probes it before trusting it again.
///
/// Opens after `consecutiveFailures` failures in a row, or when the failure rate over the last `window`
/// attempts reaches `failureRate` (once at least `window` attempts were seen). While open nothing is
/// sent; after `openFor` it lets `probes` attempts through (half-open): one success closes it, one
/// failure opens it again. Only failures that say something about the destination count (connection
/// errors, timeouts, 5xx, 429); a refused message (4xx) is the message's fault.
public final class CircuitBreaker: Sendable {
    /// The breaker's position.
    public enum State: String, Sendable, Codable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    private struct Inner {
        var state = State.closed
        var consecutive = 0
        var recent: [Bool] = []
        var openedAt: ContinuousClock.Instant?
        var probesInFlight = 0
    }

    private let settings: BreakerSettings
    private let inner = Mutex(Inner())
    private let onChange: @Sendable (State) -> Void

    /// - Parameter onChange: told every state change (to publish it).
    public init(settings: BreakerSettings, onChange: @escaping @Sendable (State) -> Void = { _ in }) {
        self.settings = settings
        self.onChange = onChange
    }

    public var state: State { inner.withLock { $0.state } }

    /// Whether an attempt may go now; when it may, the caller must report it with `record(success:)`.
    public func allow(now: ContinuousClock.Instant = .now) -> Bool {
        let (allowed, changed) = inner.withLock { inner -> (Bool, State?) in
            switch inner.state {
            case .closed:
                return (true, nil)
            case .open:
                guard let opened = inner.openedAt, now - opened >= settings.openFor.duration else {
                    return (false, nil)
                }
                inner.state = .halfOpen
                inner.probesInFlight = 1
                return (true, .halfOpen)
            case .halfOpen:
                guard inner.probesInFlight < settings.probes else { return (false, nil) }
                inner.probesInFlight += 1
                return (true, nil)
            }
        }
        if let changed { onChange(changed) }
        return allowed
    }

    /// Reports an allowed attempt's outcome. `success: nil` means it said nothing about the destination.
    public func record(success: Bool?, now: ContinuousClock.Instant = .now) {
        let changed = inner.withLock { inner -> State? in
            if inner.state == .halfOpen { inner.probesInFlight = max(0, inner.probesInFlight - 1) }
            guard let success else { return nil }
            inner.recent.append(success)
            if inner.recent.count > settings.window { inner.recent.removeFirst(inner.recent.count - settings.window) }
            inner.consecutive = success ? 0 : inner.consecutive + 1
            switch (inner.state, success) {
            case (.halfOpen, true):
                inner.state = .closed
                inner.recent = []
                return .closed
            case (.halfOpen, false):
                inner.state = .open
                inner.openedAt = now
                return .open
            case (.closed, false):
                let failures = inner.recent.filter { !$0 }.count
                let rateTripped =
                    inner.recent.count >= settings.window
                    && Double(failures) / Double(inner.recent.count) >= settings.failureRate
                guard inner.consecutive >= settings.consecutiveFailures || rateTripped else { return nil }
                inner.state = .open
                inner.openedAt = now
                return .open
            default:
                return nil
            }
        }
        if let changed { onChange(changed) }
    }
}

/// `destinations.NAME.breaker.*`: `consecutiveFailures` (`10`), `failureRate` (`0.5`), `window` (`20`
/// attempts), `openFor` (`30s`), `probes` (`1`).
public struct BreakerSettings: Sendable, Codable, Hashable {
    public var consecutiveFailures = 10
    public var failureRate = 0.5
    public var window = 20
    public var openFor = ConfigDuration.seconds(30)
    public var probes = 1

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case consecutiveFailures, failureRate, window, openFor, probes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        consecutiveFailures = try container.value(.consecutiveFailures, or: defaults.consecutiveFailures)
        failureRate = try container.value(.failureRate, or: defaults.failureRate)
        window = try container.value(.window, or: defaults.window)
        openFor = try container.value(.openFor, or: defaults.openFor)
        probes = try container.value(.probes, or: defaults.probes)
    }
}
