import Foundation
import Yams

/// civgate's configuration, read from YAML (`config/civgate.yaml`). Every key has a default.
///
/// Keys:
/// - `server.host` (`127.0.0.1`), `server.port` (`8080`; 0 picks a free port),
///   `server.maxBodyBytes` (`1048576`): larger bodies get 413.
/// - `store.dataDir` (`./data`): where `civgate.sqlite` lives; `store.busyTimeout` (`5s`): how long a
///   write waits for the database lock before ingest answers 503.
/// - `idempotency.retention` (`72h`): how long `Idempotency-Key` entries are kept (at least 72 h).
/// - `dispatcher.pollInterval` (`250ms`), `dispatcher.lease` (`60s`), `dispatcher.shutdownGrace` (`5s`).
/// - `destinations.NAME`: see ``DestinationConfiguration``.
/// - `routes.EVENT`: ordered steps, see ``RouteStep``.
/// - `mocks.embedded` (`[]`): mock national systems `civgate serve` starts in-process, for development.
public struct GatewayConfiguration: Sendable, Codable {
    public var server = ServerSettings()
    public var store = StoreSettings()
    public var idempotency = IdempotencySettings()
    public var dispatcher = DispatcherSettings()
    public var destinations: [String: DestinationConfiguration] = [:]
    public var routes: [String: [RouteStep]] = GatewayConfiguration.defaultRoutes
    public var mocks = MockSettings()

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case server, store, idempotency, dispatcher, destinations, routes, mocks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        server = try container.value(.server, or: defaults.server)
        store = try container.value(.store, or: defaults.store)
        idempotency = try container.value(.idempotency, or: defaults.idempotency)
        dispatcher = try container.value(.dispatcher, or: defaults.dispatcher)
        destinations = try container.value(.destinations, or: defaults.destinations)
        routes = try container.value(.routes, or: defaults.routes)
        mocks = try container.value(.mocks, or: defaults.mocks)
    }

    /// The default routes (DESIGN.md): a birth gets a PIN, then the child's health-insurance card with
    /// that PIN; a death closes the citizen's record and stops the cards; other events update the
    /// citizen, and insurance too when the PIN, sex or birth date changed. A marital-status
    /// confirmation is a certificate issued for a stated purpose, not a change of anyone's civil status:
    /// it is stored and sent nowhere.
    public static let defaultRoutes: [String: [RouteStep]] = {
        let updateCitizen = RouteStep(destination: "population", operation: "update-citizen")
        let insuranceWhenIdentityChanged = RouteStep(
            destination: "insurance", operation: "update-participant",
            when: ["changes.pin", "changes.sex", "changes.birthDate"])
        var routes: [String: [RouteStep]] = [
            "birth": [
                RouteStep(destination: "population", operation: "assign-pin", onNewVersion: "update-citizen"),
                RouteStep(
                    destination: "insurance", operation: "issue-child-card", dependsOn: "assign-pin",
                    unlessPresent: "subjects[child].pin", onNewVersion: "update-participant"),
            ],
            "death": [
                RouteStep(destination: "population", operation: "record-death"),
                RouteStep(destination: "insurance", operation: "report-death"),
            ],
            "marital-status-confirmation": [],
        ]
        for event in ["marriage", "parentage-recognition", "adoption", "guardianship"] {
            routes[event] = [updateCitizen]
        }
        for event in ["change", "correction", "supplement", "ethnicity-redetermination"] {
            routes[event] = [updateCitizen, insuranceWhenIdentityChanged]
        }
        return routes
    }()

    /// Reads and checks a YAML file; errors name the file and the key.
    public static func load(path: String) throws -> GatewayConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("cannot read \(path)")
        }
        return try parse(yaml: text, origin: path)
    }

    /// Parses YAML text.
    public static func parse(yaml: String, origin: String = "configuration") throws -> GatewayConfiguration {
        do {
            let configuration = try YAMLDecoder().decode(GatewayConfiguration.self, from: yaml)
            try configuration.check()
            return configuration
        } catch let error as ConfigurationError {
            throw error
        } catch let error as DecodingError {
            throw ConfigurationError("\(origin): \(Self.describe(error))")
        } catch {
            throw ConfigurationError("\(origin): not valid YAML")
        }
    }

    /// Cross-field checks: every route step names a configured destination, dependencies come first.
    public func check() throws {
        for (event, steps) in routes {
            for (index, step) in steps.enumerated() {
                guard destinations[step.destination] != nil else {
                    throw ConfigurationError(
                        "routes.\(event)[\(index)]: destination '\(step.destination)' is not configured")
                }
                if let dependency = step.dependsOn,
                    !steps.prefix(index).contains(where: { $0.operation == dependency })
                {
                    throw ConfigurationError(
                        "routes.\(event)[\(index)]: dependsOn '\(dependency)' is not an earlier step")
                }
            }
        }
        if idempotency.retention.milliseconds < 72 * 3_600_000 {
            throw ConfigurationError("idempotency.retention must be at least 72h")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "invalid"
        }
    }
}

/// A configuration error, with the file and key it concerns.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
