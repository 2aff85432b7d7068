import Foundation

extension FaultProfile {
    /// A delay before each matched request.
    ///
    /// - `{"distribution": "fixed", "milliseconds": 50}`
    /// - `{"distribution": "uniform", "minMilliseconds": 10, "maxMilliseconds": 200}`
    /// - `{"distribution": "exponential", "meanMilliseconds": 100, "maxMilliseconds": 5000}` (the cap
    ///   defaults to 60 000 ms so one unlucky draw cannot stall a test run)
    public struct Latency: Codable, Sendable, Equatable {
        /// The shape of the delay.
        public enum Distribution: String, Codable, Sendable, CaseIterable {
            /// Always `milliseconds`.
            case fixed
            /// Evenly spread between `minMilliseconds` and `maxMilliseconds`.
            case uniform
            /// Exponential with mean `meanMilliseconds`, capped at `maxMilliseconds`.
            case exponential
        }

        /// The shape of the delay.
        public var distribution: Distribution
        /// The delay of `fixed`.
        public var milliseconds: Int?
        /// The lower bound of `uniform`.
        public var minMilliseconds: Int?
        /// The upper bound of `uniform`, and the cap of `exponential`.
        public var maxMilliseconds: Int?
        /// The mean of `exponential`.
        public var meanMilliseconds: Int?

        /// Creates a latency distribution.
        public init(
            distribution: Distribution, milliseconds: Int? = nil, minMilliseconds: Int? = nil,
            maxMilliseconds: Int? = nil, meanMilliseconds: Int? = nil
        ) {
            self.distribution = distribution
            self.milliseconds = milliseconds
            self.minMilliseconds = minMilliseconds
            self.maxMilliseconds = maxMilliseconds
            self.meanMilliseconds = meanMilliseconds
        }

        /// A fixed delay.
        public static func fixed(milliseconds: Int) -> Latency {
            Latency(distribution: .fixed, milliseconds: milliseconds)
        }

        static let defaultExponentialCap = 60_000

        /// The delay for a uniform draw `unit` in [0, 1).
        func delay(unit: Double) -> Duration {
            let milliseconds: Double
            switch distribution {
            case .fixed:
                milliseconds = Double(self.milliseconds ?? 0)
            case .uniform:
                let low = Double(minMilliseconds ?? 0)
                milliseconds = low + (Double(maxMilliseconds ?? 0) - low) * unit
            case .exponential:
                // Inverse transform; 1 - unit is in (0, 1], so the logarithm is finite.
                let sample = -Double(meanMilliseconds ?? 0) * log(1 - unit)
                milliseconds = min(sample, Double(maxMilliseconds ?? Self.defaultExponentialCap))
            }
            return .microseconds(Int64((milliseconds * 1000).rounded()))
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case distribution, milliseconds, minMilliseconds, maxMilliseconds, meanMilliseconds
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let name = try container.decode(String.self, forKey: .distribution)
            guard let distribution = Distribution(rawValue: name) else {
                throw FaultProfileError(
                    .invalidValue,
                    "latency.distribution: \"\(name)\" is not one of "
                        + Distribution.allCases.map(\.rawValue).joined(separator: ", "))
            }
            self.distribution = distribution
            milliseconds = try container.decodeIfPresent(Int.self, forKey: .milliseconds)
            minMilliseconds = try container.decodeIfPresent(Int.self, forKey: .minMilliseconds)
            maxMilliseconds = try container.decodeIfPresent(Int.self, forKey: .maxMilliseconds)
            meanMilliseconds = try container.decodeIfPresent(Int.self, forKey: .meanMilliseconds)
        }
    }
}
