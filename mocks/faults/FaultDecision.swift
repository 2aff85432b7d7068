/// What the fault layer does with one request: an optional delay, then one action.
public struct FaultDecision: Sendable, Equatable {
    /// The action taken after the delay.
    public enum Action: Sendable, Equatable {
        /// Run the real handler and send its answer.
        case pass
        /// Answer with an injected error status (from `errorRates`).
        case error(status: Int, retryAfterSeconds: Int?)
        /// Answer with the status of an outage window.
        case outage(status: Int, retryAfterSeconds: Int?)
        /// Accept the request and never answer.
        case blackHole
        /// Close the connection with a TCP reset; the handler does not run.
        case reset
        /// Run the handler, then close the connection instead of answering.
        case dropReply
    }

    /// Delay before the action.
    public var delay: Duration
    /// The action.
    public var action: Action

    /// Creates a decision.
    public init(delay: Duration = .zero, action: Action) {
        self.delay = delay
        self.action = action
    }
}
