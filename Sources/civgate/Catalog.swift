import CivgateEngine
import CivgateModel
import Hummingbird
import InsuranceAdapter
import InsuranceMock
import Logging
import MockFaults
import PopulationAdapter
import PopulationMock
import ServiceLifecycle

/// The destinations this build knows: the composition root is the only place that names adapters and
/// mocks.
enum Catalog {
    /// Adapters with their configured settings.
    static func adapters(_ configuration: GatewayConfiguration = GatewayConfiguration()) -> [any DestinationAdapter] {
        [
            PopulationAdapter(),
            InsuranceAdapter(settings: configuration.destinations["insurance"]?.settings ?? [:]),
        ]
    }

    static let mockNames = ["population", "insurance"]

    /// A mock national system as a service, not yet running.
    static func mock(
        _ name: String, host: String, port: Int, seed: UInt64, logger: Logger, faults: FaultInjector = FaultInjector(),
        onServerRunning: @escaping @Sendable (String, Int) async -> Void
    ) throws -> any Service {
        switch name {
        case "insurance":
            return try InsuranceMock.buildApplication(
                host: host, port: port, seed: seed, logger: logger, faults: faults, onServerRunning: onServerRunning)
        default:
            return try PopulationMock.buildApplication(
                host: host, port: port, seed: seed, logger: logger, faults: faults, onServerRunning: onServerRunning)
        }
    }
}
