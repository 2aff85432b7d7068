/// `server.*` keys.
public struct ServerSettings: Sendable, Codable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var maxBodyBytes = 1_048_576

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case host, port, maxBodyBytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        host = try container.value(.host, or: defaults.host)
        port = try container.value(.port, or: defaults.port)
        maxBodyBytes = try container.value(.maxBodyBytes, or: defaults.maxBodyBytes)
    }

}

/// `store.*` keys.
public struct StoreSettings: Sendable, Codable {
    public var dataDir = "./data"
    public var busyTimeout = ConfigDuration.seconds(5)

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case dataDir, busyTimeout
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        dataDir = try container.value(.dataDir, or: defaults.dataDir)
        busyTimeout = try container.value(.busyTimeout, or: defaults.busyTimeout)
    }

}

/// `idempotency.*` keys.
public struct IdempotencySettings: Sendable, Codable {
    public var retention = ConfigDuration(milliseconds: 72 * 3_600_000)

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case retention
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        retention = try container.value(.retention, or: defaults.retention)
    }

}

/// `dispatcher.*` keys.
public struct DispatcherSettings: Sendable, Codable {
    /// How often idle workers look for due deliveries (wake-ups from ingest come at once).
    public var pollInterval = ConfigDuration.millis(250)
    /// How long a claimed delivery stays leased; a worker that dies loses it after this.
    public var lease = ConfigDuration.seconds(60)
    /// On SIGTERM, how long in-flight deliveries may finish before their leases are released.
    public var shutdownGrace = ConfigDuration.seconds(5)

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case pollInterval, lease, shutdownGrace
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        pollInterval = try container.value(.pollInterval, or: defaults.pollInterval)
        lease = try container.value(.lease, or: defaults.lease)
        shutdownGrace = try container.value(.shutdownGrace, or: defaults.shutdownGrace)
    }

}

/// `mocks.*` keys.
public struct MockSettings: Sendable, Codable {
    /// Names of mock national systems to start in-process (`population`); their URLs replace the
    /// destinations' configured ones.
    public var embedded: [String] = []

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case embedded
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        embedded = try container.value(.embedded, or: defaults.embedded)
    }

}

/// One step of a route: which destination, which operation, and the step it waits for.
///
/// Record paths (`subjects[child].pin`, `changes.sex`) select a subject by role in brackets.
public struct RouteStep: Sendable, Codable, Hashable {
    public var destination: String
    public var operation: String
    /// The operation of an earlier step whose result this one needs (the card needs the PIN).
    public var dependsOn: String?
    /// A record path that, when present, makes the dependency unnecessary (a historical record that
    /// already carries the child's PIN does not wait for `assign-pin`).
    public var unlessPresent: String?
    /// Record paths of which at least one must be present for this step to exist (insurance is told of a
    /// correction only when the PIN, sex or birth date changed).
    public var when: [String]?
    /// The operation to perform instead when an earlier version of the record already completed this
    /// step (a newer version of a delivered birth goes as an update); absent: the step is skipped.
    public var onNewVersion: String?

    public init(
        destination: String, operation: String, dependsOn: String? = nil, unlessPresent: String? = nil,
        when: [String]? = nil, onNewVersion: String? = nil
    ) {
        self.destination = destination
        self.operation = operation
        self.dependsOn = dependsOn
        self.unlessPresent = unlessPresent
        self.when = when
        self.onNewVersion = onNewVersion
    }
}
