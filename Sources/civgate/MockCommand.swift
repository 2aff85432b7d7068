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

/// What every mock takes on the command line.
struct MockOptions: ParsableArguments {
    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Seed for deterministic answers (same seed, same PINs).")
    var seed: UInt64 = 1

    @Option(help: "Fault profile (JSON, see mocks/faults/README.md); change it later with PUT /_mock/faults.")
    var faults: String?

    /// Runs mock `name` until SIGTERM or SIGINT; prints "mock NAME listening on http://HOST:PORT".
    func run(_ name: String, defaultPort: Int) async throws {
        let logger = LogSetup.logger("mock-\(name)")
        let app = try Catalog.mock(
            name, host: host, port: port ?? defaultPort, seed: seed, logger: logger, faults: try loadFaults(),
            onServerRunning: { host, port in Output.line("mock \(name) listening on http://\(host):\(port)") })
        let group = ServiceGroup(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        try await group.run()
    }

    /// The fault profile named on the command line; a bad one is one line on stderr and exit 78.
    private func loadFaults() throws -> FaultInjector {
        guard let faults else { return FaultInjector() }
        do {
            return try FaultInjector(path: faults)
        } catch let error as FaultProfileError {
            Output.error("--faults \(faults): \(error.message)")
            throw ExitCode(78)
        }
    }
}

/// `civgate mock population`.
struct PopulationMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "population",
        abstract: "Mock of the National Population Database: validates against the XSD and assigns PINs.",
        discussion: """
            Prints "mock population listening on http://HOST:PORT" once ready. GET /_mock/requests lists \
            what it received; GET /_mock/effects counts effects per idempotency key; PUT /_mock/faults sets \
            a fault profile.

            Example:
              civgate mock population --port 9101 --faults faults.json
            """)

    @OptionGroup var options: MockOptions

    func run() async throws { try await options.run("population", defaultPort: 9101) }
}

/// `civgate mock insurance`.
struct InsuranceMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insurance",
        abstract:
            "Mock of Vietnam Social Security: validates child-card, death and update requests, answers with cards.",
        discussion: """
            Prints "mock insurance listening on http://HOST:PORT" once ready. GET /_mock/requests lists \
            what it received; GET /_mock/effects counts effects per idempotency key; PUT /_mock/faults sets \
            a fault profile.

            Example:
              civgate mock insurance --port 9102
            """)

    @OptionGroup var options: MockOptions

    func run() async throws { try await options.run("insurance", defaultPort: 9102) }
}
