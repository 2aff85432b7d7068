import Synchronization

/// The current fault profile of one mock, and what it has injected so far.
///
/// Shared by the ``FaultMiddleware`` (which asks it for each request's decision), the `/_mock/faults`
/// routes (which read and replace the profile) and the connection handler of ``httpServer`` (which carries
/// out resets, dropped replies and black holes). Setting a profile restarts the request numbering, the
/// clock of time-window outages and the counters, so a test that sets a profile gets a reproducible run.
public final class FaultInjector: Sendable {
    struct State {
        var profile: FaultProfile
        var since: ContinuousClock.Instant
        var nextIndex = 0
        var counters = FaultCounters()
    }

    private let state: Mutex<State>

    /// Creates an injector with `profile` (by default, no faults).
    public init(profile: FaultProfile = .none) {
        state = Mutex(State(profile: profile, since: .now))
    }

    /// Creates an injector with the profile in a JSON file.
    public convenience init(path: String) throws {
        self.init(profile: try FaultProfile.load(path: path))
    }

    /// The current profile.
    public var profile: FaultProfile {
        state.withLock { $0.profile }
    }

    /// What has been injected since the profile was set.
    public var counters: FaultCounters {
        state.withLock { $0.counters }
    }

    /// The profile, the counters and the profile's age, as `GET /_mock/faults` shows them.
    public var snapshot: FaultSnapshot {
        state.withLock { state in
            FaultSnapshot(
                profile: state.profile, counters: state.counters, faults: state.counters.faults,
                profileAgeSeconds: Self.seconds(ContinuousClock.now - state.since))
        }
    }

    /// Replaces the profile; numbering, outage clock and counters start again.
    public func replace(with profile: FaultProfile) {
        state.withLock { $0 = State(profile: profile, since: .now) }
    }

    /// Stops injecting faults (the empty profile); counters start again.
    public func clear() {
        replace(with: .none)
    }

    /// Numbers a request and decides its fault; nil when the profile does not cover `path`.
    func decide(path: String) -> FaultDecision? {
        state.withLock { state in
            guard state.profile.covers(path: path) else { return nil }
            let index = state.nextIndex
            state.nextIndex += 1
            let decision = state.profile.decision(forRequest: index, elapsed: ContinuousClock.now - state.since)
            state.counters.count(decision)
            return decision
        }
    }

    /// The longest a black hole may hold a connection under the current profile.
    var blackHoleMaxHold: Duration {
        .seconds(state.withLock { $0.profile.blackHoleMaxHoldSeconds })
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
