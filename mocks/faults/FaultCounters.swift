/// What the fault layer has done since the profile was set (`GET /_mock/faults`).
public struct FaultCounters: Codable, Sendable, Equatable {
    /// Matched requests seen (the paths the profile covers).
    public var requests = 0
    /// Requests that reached the handler and got its answer.
    public var passed = 0
    /// Requests that were delayed by the latency distribution.
    public var delayed = 0
    /// Injected error answers, by status ("503": 4).
    public var errors: [String: Int] = [:]
    /// Requests answered by an outage window.
    public var outages = 0
    /// Requests held without an answer.
    public var blackHoles = 0
    /// Connections reset before the handler ran.
    public var resets = 0
    /// Replies dropped after the handler ran.
    public var droppedReplies = 0

    /// Creates zeroed counters.
    public init() {}

    /// Faults injected, all kinds together (delays not included).
    public var faults: Int {
        errors.values.reduce(0, +) + outages + blackHoles + resets + droppedReplies
    }

    mutating func count(_ decision: FaultDecision) {
        requests += 1
        if decision.delay > .zero { delayed += 1 }
        switch decision.action {
        case .pass: passed += 1
        case .error(let status, _): errors[String(status), default: 0] += 1
        case .outage: outages += 1
        case .blackHole: blackHoles += 1
        case .reset: resets += 1
        case .dropReply: droppedReplies += 1
        }
    }
}
