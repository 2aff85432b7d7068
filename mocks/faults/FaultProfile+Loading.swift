public import Foundation

extension FaultProfile {
    /// Reads and validates a profile from a JSON file.
    public static func load(path: String) throws -> FaultProfile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FaultProfileError(.unreadable, "cannot read \(path): \(error.localizedDescription)")
        }
        return try decode(json: data)
    }

    /// Parses and validates a profile from JSON; throws ``FaultProfileError`` with the path of the bad field.
    public static func decode(json: Data) throws -> FaultProfile {
        let profile: FaultProfile
        do {
            profile = try JSONDecoder().decode(FaultProfile.self, from: json)
        } catch let error as FaultProfileError {
            throw error
        } catch let error as DecodingError {
            throw FaultProfileError(decoding: error)
        }
        try profile.validate()
        return profile
    }

    /// Checks ranges and combinations that JSON types cannot express.
    public func validate() throws {
        func fail(_ message: String) -> FaultProfileError { FaultProfileError(.invalidValue, message) }
        func checkRate(_ rate: Double, _ name: String) throws {
            guard rate.isFinite, (0...1).contains(rate) else {
                throw fail("\(name) must be between 0 and 1, got \(rate)")
            }
        }
        for (index, entry) in errorRates.enumerated() {
            guard ErrorRate.allowedStatuses.contains(entry.status) else {
                throw fail(
                    "errorRates[\(index)].status must be one of "
                        + ErrorRate.allowedStatuses.map(String.init).joined(separator: ", ") + ", got \(entry.status)")
            }
            try checkRate(entry.rate, "errorRates[\(index)].rate")
            if let seconds = entry.retryAfterSeconds, seconds < 0 {
                throw fail("errorRates[\(index)].retryAfterSeconds must not be negative")
            }
        }
        try checkRate(blackHoleRate, "blackHoleRate")
        try checkRate(resetRate, "resetRate")
        try checkRate(dropReplyRate, "dropReplyRate")
        let total = errorRates.map(\.rate).reduce(blackHoleRate + resetRate + dropReplyRate, +)
        // A small tolerance, so that shares such as 0.1 + 0.2 + 0.7 written by hand are accepted.
        guard total <= 1 + 1e-9 else {
            throw fail(
                "the rates (errorRates, blackHoleRate, resetRate, dropReplyRate) add up to \(total), more than 1")
        }
        guard blackHoleMaxHoldSeconds.isFinite, blackHoleMaxHoldSeconds > 0 else {
            throw fail("blackHoleMaxHoldSeconds must be positive")
        }
        if let paths, paths.contains(where: { !$0.hasPrefix("/") }) {
            throw fail("paths must start with /")
        }
        if let latency { try latency.validate() }
        for (index, outage) in outages.enumerated() { try outage.validate(index: index) }
    }
}

extension FaultProfile.Latency {
    func validate() throws {
        func fail(_ message: String) -> FaultProfileError { FaultProfileError(.invalidValue, "latency: \(message)") }
        for (name, value) in [
            ("milliseconds", milliseconds), ("minMilliseconds", minMilliseconds), ("maxMilliseconds", maxMilliseconds),
            ("meanMilliseconds", meanMilliseconds),
        ] {
            if let value, value < 0 { throw fail("\(name) must not be negative") }
        }
        switch distribution {
        case .fixed:
            guard milliseconds != nil else { throw fail("fixed needs milliseconds") }
        case .uniform:
            guard let low = minMilliseconds, let high = maxMilliseconds else {
                throw fail("uniform needs minMilliseconds and maxMilliseconds")
            }
            guard low <= high else { throw fail("minMilliseconds must not exceed maxMilliseconds") }
        case .exponential:
            guard meanMilliseconds != nil else { throw fail("exponential needs meanMilliseconds") }
        }
    }
}

extension FaultProfile.Outage {
    func validate(index: Int) throws {
        func fail(_ message: String) -> FaultProfileError {
            FaultProfileError(.invalidValue, "outages[\(index)]: \(message)")
        }
        let byCount = startAfterRequests != nil || requests != nil
        let byTime = startAfterSeconds != nil || durationSeconds != nil
        switch (byCount, byTime) {
        case (true, true):
            throw fail("give either startAfterRequests/requests or startAfterSeconds/durationSeconds, not both")
        case (false, false):
            throw fail("give requests (count window) or durationSeconds (time window)")
        case (true, false):
            guard let requests, requests >= 0, (startAfterRequests ?? 0) >= 0 else {
                throw fail("a count window needs requests >= 0 and startAfterRequests >= 0")
            }
        case (false, true):
            guard let durationSeconds, durationSeconds.isFinite, durationSeconds >= 0,
                let start = Optional(startAfterSeconds ?? 0), start.isFinite, start >= 0
            else {
                throw fail("a time window needs durationSeconds >= 0 and startAfterSeconds >= 0")
            }
        }
        guard (400...599).contains(status) else { throw fail("status must be 400…599, got \(status)") }
        if let retryAfterSeconds, retryAfterSeconds < 0 { throw fail("retryAfterSeconds must not be negative") }
    }
}
