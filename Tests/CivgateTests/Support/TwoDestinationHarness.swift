import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation
import GRDB
import InsuranceAdapter
import InsuranceMock
import Logging
import PopulationAdapter
import PopulationMock
import ServiceLifecycle

/// A real gateway with both destinations configured and the DEFAULT routes, the population mock and
/// the insurance mock, all in this process on free loopback ports, with a real SQLite file in a fresh
/// folder. Nothing inside is replaced.
struct TwoDestinationGateway: Sendable {
    let baseURL: String
    let populationURL: String
    let insuranceURL: String
    let store: SQLiteStore

    /// A second connection to the same SQLite file, for counting what was written.
    func count(_ table: String, where condition: String = "1") throws -> Int {
        let queue = try DatabaseQueue(path: store.path)
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)") ?? 0
        }
    }

    /// `POST /v1/records`, expecting 202; the stored record view.
    func post(_ body: Data, key: String) async throws -> [String: Any] {
        let reply = try await TestHTTP.postRecord(baseURL, body, key: key)
        guard reply.status == 202 else { throw Unexpected(what: "POST \(key) answered \(reply.status): \(reply.text)") }
        return reply.json
    }

    func record(_ id: String) async throws -> [String: Any] {
        try await TestHTTP.get(baseURL + "/v1/records/\(id)").json
    }

    func delivery(_ id: String) async throws -> [String: Any] {
        try await TestHTTP.get(baseURL + "/v1/deliveries/\(id)").json
    }

    /// `GET {mock}/_mock/requests`.
    static func received(_ mockURL: String) async throws -> [[String: Any]] {
        let reply = try await TestHTTP.get(mockURL + "/_mock/requests")
        return (try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]]) ?? []
    }

    /// `GET {mock}/_mock/effects`.
    static func effects(_ mockURL: String) async throws -> [String: Int] {
        let json = try await TestHTTP.get(mockURL + "/_mock/effects").json
        return json.compactMapValues { $0 as? Int }
    }

    /// No delivery is still on its way (pending, in flight, retrying or waiting).
    func settled() throws -> Bool {
        try count("deliveries", where: "state IN ('pending', 'in_flight', 'retrying', 'waiting')") == 0
    }

    struct Unexpected: Error, CustomStringConvertible {
        var what: String
        var description: String { what }
    }
}

enum TwoDestinationHarness {
    /// A default initial-care facility for every current province, so that births without a facility
    /// code get their card (the adapter's `defaultFacility.PPP` settings).
    static let facilityDefaults: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "001", "004", "008", "011", "012", "014", "015", "019", "020", "022", "024", "025", "031", "033", "037",
            "038", "040", "042", "044", "046", "048", "051", "052", "056", "066", "068", "075", "079", "080", "082",
            "086", "091", "092", "096",
        ].map { ("defaultFacility.\($0)", String($0.suffix(2)) + "001") })

    /// Runs `body` against a started gateway and both mocks, then stops them.
    static func withGateway<T: Sendable>(
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (TwoDestinationGateway) async throws -> T
    ) async throws -> T {
        var configuration = GatewayConfiguration()
        configuration.server.port = 0
        configuration.routes = GatewayConfiguration.defaultRoutes
        configuration.destinations["population"] = DestinationConfiguration()
        var insurance = DestinationConfiguration()
        insurance.settings = facilityDefaults
        configuration.destinations["insurance"] = insurance
        configuration.dispatcher.pollInterval = .millis(50)
        configuration.store.busyTimeout = .seconds(20)
        configure(&configuration)
        try configuration.check()
        let directory = TestPaths.temporaryDirectory()
        configuration.store.dataDir = directory.path
        var logger = Logger(label: "test")
        logger.logLevel = .critical

        let store = try SQLiteStore(directory: directory.path, busyTimeout: configuration.store.busyTimeout.duration)
        let endpoints = DestinationDirectory()
        let adapters: [any DestinationAdapter] = [
            PopulationAdapter(), InsuranceAdapter(settings: configuration.destinations["insurance"]?.settings ?? [:]),
        ]
        let mocks: [InProcessGateway.Mock] = [
            .init(name: "population", destination: "population") {
                try PopulationMock.buildApplication(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: $0)
            },
            .init(name: "insurance", destination: "insurance") {
                try InsuranceMock.buildApplication(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: $0)
            },
        ]
        return try await InProcessGateway.run(
            configuration: configuration, store: store, adapters: adapters, endpoints: endpoints, mocks: mocks,
            logger: logger
        ) { urls in
            try await body(
                TwoDestinationGateway(
                    baseURL: urls["gateway"]!, populationURL: urls["population"]!, insuranceURL: urls["insurance"]!,
                    store: store))
        }
    }
}

/// Builds test records from JSON documents: samples, fixtures and generated lines, edited as objects.
enum RecordJSON {
    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TwoDestinationGateway.Unexpected(what: "not a JSON object")
        }
        return object
    }

    static func object(at url: URL) throws -> [String: Any] { try object(Data(contentsOf: url)) }

    static func data(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Sets `source.recordId` (and `source.version` when given).
    static func withSource(_ object: [String: Any], recordId: String, version: Int? = nil) -> [String: Any] {
        var object = object
        var source = object["source"] as? [String: Any] ?? [:]
        source["recordId"] = recordId
        if let version { source["version"] = version }
        object["source"] = source
        return object
    }

    /// Sets `registration.<key>`.
    static func withRegistration(_ object: [String: Any], _ key: String, _ value: Any) -> [String: Any] {
        var object = object
        var registration = object["registration"] as? [String: Any] ?? [:]
        registration[key] = value
        object["registration"] = registration
        return object
    }

    /// Gives every subject's PIN the serial `900000 + serial + index` (province, century/sex and year
    /// digits kept), so a hand-made record is about people no other test record names.
    static func withFreshPins(_ object: [String: Any], serial: Int) -> [String: Any] {
        var object = object
        object["subjects"] = subjects(object).enumerated().map { index, subject in
            var subject = subject
            if let pin = subject["pin"] as? String {
                subject["pin"] = String(pin.prefix(6)) + String(format: "%06d", 900_000 + serial + index)
            }
            return subject
        }
        return object
    }

    static func subjects(_ object: [String: Any]) -> [[String: Any]] {
        object["subjects"] as? [[String: Any]] ?? []
    }
}
