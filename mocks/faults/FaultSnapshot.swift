/// The body of `GET /_mock/faults`.
public struct FaultSnapshot: Codable, Sendable, Equatable {
    /// The current profile.
    public var profile: FaultProfile
    /// What has been done since the profile was set.
    public var counters: FaultCounters
    /// Faults injected, all kinds together.
    public var faults: Int
    /// Seconds since the profile was set (the clock of time-window outages).
    public var profileAgeSeconds: Double
}
