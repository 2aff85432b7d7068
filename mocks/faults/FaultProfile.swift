/// Which faults a mock injects into its service paths, and how often.
///
/// Loaded from JSON (a file given to `civgate mock NAME --faults FILE`, or `PUT /_mock/faults`). Every key
/// is optional and unknown keys are refused; `{}` means no faults.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `seed` | 1 | makes the fault sequence reproducible (see ``decision(forRequest:elapsed:)``) |
/// | `paths` | all but `/_mock`, `/healthz` | path prefixes that get faults; `/_mock/…` and `/healthz` never do |
/// | `errorRates` | `[]` | `[{status: 500/502/503/429, rate: 0…1, retryAfterSeconds?}]`: answer with that status |
/// | `latency` | none | `{distribution: fixed/uniform/exponential, …}`: a delay before every matched request |
/// | `blackHoleRate` | 0 | accept the request and never answer, until the client gives up |
/// | `blackHoleMaxHoldSeconds` | 300 | how long a black hole holds a connection at most |
/// | `resetRate` | 0 | close the connection (TCP RST) without running the handler or answering |
/// | `dropReplyRate` | 0 | run the handler (the effect happens), then close the connection instead of answering |
/// | `outages` | `[]` | windows by request count or by time in which every matched request gets one status |
///
/// The rates of `errorRates`, `blackHoleRate`, `resetRate` and `dropReplyRate` are exclusive shares of
/// one draw per request, so their sum must not exceed 1.
public struct FaultProfile: Codable, Sendable, Equatable {
    /// Seed of the per-request draws.
    public var seed: UInt64
    /// Path prefixes that get faults; nil means every path except `/_mock/…` and `/healthz`.
    public var paths: [String]?
    /// Injected error statuses and their rates.
    public var errorRates: [ErrorRate]
    /// Delay added before each matched request; nil means none.
    public var latency: Latency?
    /// Share of requests held without an answer.
    public var blackHoleRate: Double
    /// The longest a black hole holds a connection, in seconds.
    public var blackHoleMaxHoldSeconds: Double
    /// Share of requests whose connection is reset before the handler runs.
    public var resetRate: Double
    /// Share of requests whose handler runs but whose answer is dropped with the connection.
    public var dropReplyRate: Double
    /// Outage windows; during one, every matched request gets the outage's status.
    public var outages: [Outage]

    /// Creates a profile; the defaults inject nothing.
    public init(
        seed: UInt64 = 1, paths: [String]? = nil, errorRates: [ErrorRate] = [], latency: Latency? = nil,
        blackHoleRate: Double = 0, blackHoleMaxHoldSeconds: Double = 300, resetRate: Double = 0,
        dropReplyRate: Double = 0, outages: [Outage] = []
    ) {
        self.seed = seed
        self.paths = paths
        self.errorRates = errorRates
        self.latency = latency
        self.blackHoleRate = blackHoleRate
        self.blackHoleMaxHoldSeconds = blackHoleMaxHoldSeconds
        self.resetRate = resetRate
        self.dropReplyRate = dropReplyRate
        self.outages = outages
    }

    /// The profile that injects nothing.
    public static let none = FaultProfile()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, paths, errorRates, latency, blackHoleRate, blackHoleMaxHoldSeconds, resetRate, dropReplyRate
        case outages
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultProfile.none
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        paths = try container.decodeIfPresent([String].self, forKey: .paths)
        errorRates = try container.decodeIfPresent([ErrorRate].self, forKey: .errorRates) ?? []
        latency = try container.decodeIfPresent(Latency.self, forKey: .latency)
        blackHoleRate = try container.decodeIfPresent(Double.self, forKey: .blackHoleRate) ?? 0
        blackHoleMaxHoldSeconds =
            try container.decodeIfPresent(Double.self, forKey: .blackHoleMaxHoldSeconds)
            ?? defaults.blackHoleMaxHoldSeconds
        resetRate = try container.decodeIfPresent(Double.self, forKey: .resetRate) ?? 0
        dropReplyRate = try container.decodeIfPresent(Double.self, forKey: .dropReplyRate) ?? 0
        outages = try container.decodeIfPresent([Outage].self, forKey: .outages) ?? []
    }

    /// Whether requests to `path` get faults.
    public func covers(path: String) -> Bool {
        if path == "/healthz" || path == "/_mock" || path.hasPrefix("/_mock/") { return false }
        guard let paths else { return true }
        return paths.contains { path.hasPrefix($0) }
    }
}
