extension FaultProfile {
    /// Answer a share of requests with an error status.
    ///
    /// `status` is 500, 502, 503 or 429; `rate` is 0…1; `retryAfterSeconds`, when given, is sent as
    /// `Retry-After`. A 429 without `retryAfterSeconds` still sends `Retry-After: 1`, as rate limiters do.
    public struct ErrorRate: Codable, Sendable, Equatable {
        /// The statuses a profile may inject.
        public static let allowedStatuses = [500, 502, 503, 429]

        /// The HTTP status to answer with.
        public var status: Int
        /// Share of matched requests, 0…1.
        public var rate: Double
        /// Value of `Retry-After`, in seconds.
        public var retryAfterSeconds: Int?

        /// Creates an error rate.
        public init(status: Int, rate: Double, retryAfterSeconds: Int? = nil) {
            self.status = status
            self.rate = rate
            self.retryAfterSeconds = retryAfterSeconds
        }

        /// `Retry-After` to send, if any.
        var effectiveRetryAfter: Int? {
            retryAfterSeconds ?? (status == 429 ? 1 : nil)
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case status, rate, retryAfterSeconds
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decode(Int.self, forKey: .status)
            rate = try container.decode(Double.self, forKey: .rate)
            retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds)
        }
    }
}
