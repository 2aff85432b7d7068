import ArgumentParser
import Foundation
import Hummingbird
import MockFaults
import ServiceLifecycle

/// `civgate mock NAME`: runs a mock national system.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Run a mock national system for contract tests and development.",
        subcommands: [PopulationMockCommand.self, InsuranceMockCommand.self])
}

/// `civgate mock population`.
struct PopulationMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "population",
        abstract: "Mock of the National Population Database: validates against the XSD and assigns PINs.",
        discussion: """
            Prints "mock population listening on http://HOST:PORT" once ready. GET /_mock/requests lists \
            what it received; GET /_mock/effects counts effects per idempotency key.

            Example:
              civgate mock population --port 9101
            """)

    @Option(help: "Port to listen on (0 picks a free port).")
    var port = 9101

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Seed of the PIN generator (same seed, same PINs).")
    var seed: UInt64 = 1

    @Option(help: "Fault profile (JSON, see mocks/faults/README.md); change it later with PUT /_mock/faults.")
    var faults: String?

    func run() async throws {
        let logger = LogSetup.logger("mock-population")
        let app = try Catalog.mock(
            "population", host: host, port: port, seed: seed, logger: logger, faults: try loadFaults(faults),
            onServerRunning: { host, port in Output.line("mock population listening on http://\(host):\(port)") })
        let group = ServiceGroup(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        try await group.run()
    }
}

/// `civgate mock insurance`.
struct InsuranceMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insurance",
        abstract: "Mock of Vietnam Social Security: validates child-card, death and update requests and answers with cards.",
        discussion: """
            Prints "mock insurance listening on http://HOST:PORT" once ready. GET /_mock/requests lists \
            what it received; GET /_mock/effects counts effects per idempotency key.

            Example:
              civgate mock insurance --port 9102
            """)

    @Option(help: "Port to listen on (0 picks a free port).")
    var port = 9102

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Seed for deterministic behaviour.")
    var seed: UInt64 = 1

    @Option(help: "Fault profile (JSON, see mocks/faults/README.md); change it later with PUT /_mock/faults.")
    var faults: String?

    func run() async throws {
        let logger = LogSetup.logger("mock-insurance")
        let app = try Catalog.mock(
            "insurance", host: host, port: port, seed: seed, logger: logger, faults: try loadFaults(faults),
            onServerRunning: { host, port in Output.line("mock insurance listening on http://\(host):\(port)") })
        let group = ServiceGroup(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        try await group.run()
    }
}

/// The fault profile named on the command line; a bad one is one line on stderr and exit 78.
func loadFaults(_ path: String?) throws -> FaultInjector {
    guard let path else { return FaultInjector() }
    do {
        return try FaultInjector(path: path)
    } catch let error as FaultProfileError {
        Output.error("--faults \(path): \(error.message)")
        throw ExitCode(78)
    }
}
