import ArgumentParser
import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation
import Hummingbird
import Logging
import PopulationMock
import ServiceLifecycle

/// `civgate serve`: the HTTP API and the dispatcher under one service group.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: HTTP intake and delivery to the national systems.",
        discussion: """
            Prints "civgate listening on http://HOST:PORT" once ready. SIGTERM or SIGINT stops intake, lets \
            in-flight deliveries finish (dispatcher.shutdownGrace), releases the rest and exits 0.

            Examples:
              civgate serve --config config/civgate.yaml
              civgate serve --config config/civgate.yaml --port 0 --data-dir /tmp/cg --no-mocks \\
                --destination population=http://127.0.0.1:9101
            """)

    @Option(help: "Configuration file (YAML).")
    var config = "config/civgate.yaml"

    @Option(help: "Port to listen on (0 picks a free port); overrides server.port.")
    var port: Int?

    @Option(help: "Address to listen on; overrides server.host.")
    var host: String?

    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite store; overrides store.dataDir.")
    var dataDir: String?

    @Option(
        name: .customLong("destination"),
        help: ArgumentHelp(
            "Base URL of a destination, NAME=URL; replaces the configured one and its embedded mock.",
            valueName: "NAME=URL"))
    var destinations: [String] = []

    @Flag(inversion: .prefixedNo, help: "Start the embedded mocks listed in mocks.embedded (default: as configured).")
    var mocks: Bool?

    func run() async throws {
        do {
            try await serve()
        } catch let failure as CommandFailure {
            Output.error(failure.description)
            throw ExitCode(failure.exitCode)
        } catch let error as ConfigurationError {
            Output.error(error.description)
            throw ExitCode(78)
        } catch let error as StoreUnavailable {
            Output.error(error.description)
            throw ExitCode(1)
        }
    }

    private func serve() async throws {
        var configuration = try GatewayConfiguration.load(path: config)
        if let port { configuration.server.port = port }
        if let host { configuration.server.host = host }
        if let dataDir { configuration.store.dataDir = dataDir }
        var urls: [String: String] = configuration.destinations.compactMapValues(\.url)
        var overridden: Set<String> = []
        for entry in destinations {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, configuration.destinations[parts[0]] != nil, URL(string: parts[1])?.host != nil
            else {
                throw CommandFailure.usage(
                    "--destination \(entry): expected NAME=URL with a configured destination name")
            }
            urls[parts[0]] = parts[1]
            overridden.insert(parts[0])
        }
        let embedded = (mocks ?? true) ? configuration.mocks.embedded.filter { !overridden.contains($0) } : []
        for name in embedded where !Catalog.mockNames.contains(name) {
            throw CommandFailure.configuration("mocks.embedded: no mock named '\(name)'")
        }
        for name in Set(configuration.routes.values.flatMap { $0.map(\.destination) })
        where urls[name] == nil && !embedded.contains(name) {
            throw CommandFailure.configuration(
                "destination '\(name)' has no url: set destinations.\(name).url, pass --destination \(name)=URL or embed its mock"
            )
        }
        for name in embedded { urls.removeValue(forKey: name) }

        let logger = LogSetup.logger("civgate")
        let store = try SQLiteStore(
            directory: configuration.store.dataDir, busyTimeout: configuration.store.busyTimeout.duration,
            preallocateLog: true)
        if let problem = store.logPreallocationProblem { logger.warning("\(problem)") }
        let directory = DestinationDirectory(urls: urls)
        let dispatcher = try Dispatcher(
            store: store, configuration: configuration, adapters: Catalog.adapters(configuration), directory: directory,
            logger: logger)
        let schema = try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))
        let intake = RecordIntake(validator: try SchemaValidator(schema: schema))
        let ingest = IngestService(
            store: store, intake: intake, configuration: configuration, logger: logger,
            onAccepted: { dispatcher.wake($0) })

        var services: [any Service] = []
        for name in embedded {
            services.append(
                try Catalog.mock(
                    name, host: "127.0.0.1", port: 0, seed: 1, logger: LogSetup.logger("mock-\(name)"),
                    onServerRunning: { host, port in
                        let url = "http://\(host):\(port)"
                        Output.line("mock \(name) listening on \(url)")
                        await directory.set(name, url: url)
                    }))
        }
        services.append(dispatcher)
        services.append(
            buildGatewayApplication(
                configuration: configuration, store: store, ingest: ingest,
                readiness: {
                    var checks: [String: ReadinessReport.Check] = [:]
                    do {
                        try await store.ping()
                        checks["store"] = .init(status: "ok")
                    } catch {
                        checks["store"] = .init(status: "failing", detail: "the store does not answer")
                    }
                    checks["dispatcher"] = .init(status: dispatcher.isRunning ? "ok" : "stopped")
                    return ReadinessReport(checks: checks, destinations: dispatcher.breakerStates)
                },
                onRequeued: { dispatcher.wakeAll() },
                logger: logger,
                onServerRunning: { host, port in Output.line("civgate listening on http://\(host):\(port)") }))
        let group = ServiceGroup(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        try await group.run()
    }
}
