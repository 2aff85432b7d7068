extension FaultProfile {
    /// A window in which every matched request gets `status` (503 unless set) with `Retry-After`.
    ///
    /// By request count: `{"startAfterRequests": 10, "requests": 5}` covers the 11th to 15th matched
    /// requests since the profile was set. By time: `{"startAfterSeconds": 30, "durationSeconds": 10}` covers
    /// that span after the profile was set. `Retry-After` is `retryAfterSeconds` if given, else the seconds
    /// left in a time window (at least 1), else 1.
    public struct Outage: Codable, Sendable, Equatable {
        /// Matched requests to let through before the outage (count windows).
        public var startAfterRequests: Int?
        /// How many matched requests the outage covers (count windows).
        public var requests: Int?
        /// Seconds after the profile was set when the outage starts (time windows).
        public var startAfterSeconds: Double?
        /// How long the outage lasts (time windows).
        public var durationSeconds: Double?
        /// The status answered during the outage.
        public var status: Int
        /// Value of `Retry-After`, in seconds.
        public var retryAfterSeconds: Int?

        /// An outage covering `requests` matched requests after the first `startAfterRequests`.
        public static func requests(_ requests: Int, after startAfterRequests: Int = 0, status: Int = 503) -> Outage {
            Outage(startAfterRequests: startAfterRequests, requests: requests, status: status)
        }

        /// An outage lasting `durationSeconds`, starting `startAfterSeconds` after the profile was set.
        public static func seconds(_ durationSeconds: Double, after startAfterSeconds: Double = 0, status: Int = 503)
            -> Outage
        {
            Outage(startAfterSeconds: startAfterSeconds, durationSeconds: durationSeconds, status: status)
        }

        /// Creates an outage; give either `requests` or `durationSeconds`.
        public init(
            startAfterRequests: Int? = nil, requests: Int? = nil, startAfterSeconds: Double? = nil,
            durationSeconds: Double? = nil, status: Int = 503, retryAfterSeconds: Int? = nil
        ) {
            self.startAfterRequests = startAfterRequests
            self.requests = requests
            self.startAfterSeconds = startAfterSeconds
            self.durationSeconds = durationSeconds
            self.status = status
            self.retryAfterSeconds = retryAfterSeconds
        }

        /// The `Retry-After` value if request `index`, arriving `elapsed` after the profile was set, falls
        /// in this outage; nil if it does not.
        func retryAfter(index: Int, elapsed: Duration) -> Int? {
            if let requests {
                let start = startAfterRequests ?? 0
                return (start..<start + requests).contains(index) ? retryAfterSeconds ?? 1 : nil
            }
            if let durationSeconds {
                let start = Duration.seconds(startAfterSeconds ?? 0)
                let end = start + .seconds(durationSeconds)
                guard elapsed >= start && elapsed < end else { return nil }
                let left = end - elapsed
                let leftSeconds = Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18
                return retryAfterSeconds ?? max(1, Int(leftSeconds.rounded(.up)))
            }
            return nil
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case startAfterRequests, requests, startAfterSeconds, durationSeconds, status, retryAfterSeconds
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            startAfterRequests = try container.decodeIfPresent(Int.self, forKey: .startAfterRequests)
            requests = try container.decodeIfPresent(Int.self, forKey: .requests)
            startAfterSeconds = try container.decodeIfPresent(Double.self, forKey: .startAfterSeconds)
            durationSeconds = try container.decodeIfPresent(Double.self, forKey: .durationSeconds)
            status = try container.decodeIfPresent(Int.self, forKey: .status) ?? 503
            retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds)
        }
    }
}
