/// `destinations.NAME.*` keys: where a national system is and how hard to push it.
///
/// - `url`: base URL (`http://127.0.0.1:9101`); replaced by `--destination NAME=URL` or an embedded mock.
/// - `workers` (`4`): live deliveries in flight at once to this destination.
/// - `backfillWorkers` (`2`): backfill deliveries in flight at once, a budget of their own so backfill
///   never delays live records.
/// - `rateLimit` (`0`: none): at most this many requests a second.
/// - `breaker`: see ``BreakerSettings``.
/// - `connectTimeout` (`5s`): to open a connection; `readTimeout` (`20s`): the longest silence while
///   waiting for the reply; `requestTimeout` (`30s`): the whole attempt, end to end.
/// - `retry`: see ``RetryPolicy``.
/// - `settings`: adapter-specific string settings (e.g. the insurance adapter's per-province default
///   initial-care facility, `defaultFacility.001: "01001"`); each adapter documents its keys.
public struct DestinationConfiguration: Sendable, Codable {
    public var url: String?
    public var workers = 4
    public var backfillWorkers = 2
    public var rateLimit = 0.0
    public var breaker = BreakerSettings()
    public var connectTimeout = ConfigDuration.seconds(5)
    public var readTimeout = ConfigDuration.seconds(20)
    public var requestTimeout = ConfigDuration.seconds(30)
    public var retry = RetryPolicy()
    public var settings: [String: String] = [:]

    public init(url: String? = nil) {
        self.url = url
    }

    private enum CodingKeys: String, CodingKey {
        case url, workers, backfillWorkers, rateLimit, breaker, connectTimeout, readTimeout, requestTimeout, retry,
            settings
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        url = try container.decodeIfPresent(String.self, forKey: .url)
        workers = try container.value(.workers, or: defaults.workers)
        backfillWorkers = try container.value(.backfillWorkers, or: defaults.backfillWorkers)
        rateLimit = try container.value(.rateLimit, or: defaults.rateLimit)
        breaker = try container.value(.breaker, or: defaults.breaker)
        connectTimeout = try container.value(.connectTimeout, or: defaults.connectTimeout)
        readTimeout = try container.value(.readTimeout, or: defaults.readTimeout)
        requestTimeout = try container.value(.requestTimeout, or: defaults.requestTimeout)
        retry = try container.value(.retry, or: defaults.retry)
        settings = try container.value(.settings, or: defaults.settings)
    }
}
