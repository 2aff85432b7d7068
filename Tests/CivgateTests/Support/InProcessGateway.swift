import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation
import Logging
import ServiceLifecycle

/// What both test harnesses share: the gateway (intake, ingest, dispatcher, HTTP application) and mock
/// national systems started in this process on free loopback ports, and stopped after the test body.
enum InProcessGateway {
    /// A mock to start: `name` keys its URL for the body; its URL is also set as `destination`'s endpoint.
    struct Mock {
        var name: String
        var destination: String
        var build: (_ onServerRunning: @escaping @Sendable (String, Int) async -> Void) throws -> any Service
    }

    /// Starts `mocks`, the dispatcher with `adapters` and the gateway; runs `body` with every URL by name
    /// (`gateway` and each mock's name); then shuts all down. `onAccepted` is told of each new record
    /// before the dispatcher is.
    static func run<T: Sendable>(
        configuration: GatewayConfiguration, store: SQLiteStore, adapters: [any DestinationAdapter],
        endpoints: DestinationDirectory, mocks: [Mock], logger: Logger,
        onAccepted: @escaping @Sendable (Set<String>) -> Void = { _ in },
        _ body: ([String: String]) async throws -> T
    ) async throws -> T {
        let dispatcher = try Dispatcher(
            store: store, configuration: configuration, adapters: adapters, directory: endpoints, logger: logger)
        let intake = RecordIntake(
            validator: try SchemaValidator(
                schema: try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))))
        let ingest = IngestService(
            store: store, intake: intake, configuration: configuration, logger: logger,
            onAccepted: { destinations in
                onAccepted(destinations)
                dispatcher.wake(destinations)
            })
        let (ports, portSink) = AsyncStream.makeStream(of: (String, String).self)
        var services: [any Service] = []
        for mock in mocks {
            let (name, destination) = (mock.name, mock.destination)
            services.append(
                try mock.build { host, port in
                    await endpoints.set(destination, url: "http://\(host):\(port)")
                    portSink.yield((name, "http://\(host):\(port)"))
                })
        }
        services.append(dispatcher)
        services.append(
            buildGatewayApplication(
                configuration: configuration, store: store, ingest: ingest,
                readiness: {
                    ReadinessReport(checks: ["dispatcher": .init(status: dispatcher.isRunning ? "ok" : "stopped")])
                },
                onRequeued: { dispatcher.wakeAll() },
                logger: logger,
                onServerRunning: { host, port in portSink.yield(("gateway", "http://\(host):\(port)")) }))
        return try await running(services, logger: logger) {
            var urls: [String: String] = [:]
            for await (name, url) in ports {
                urls[name] = url
                if urls.count == mocks.count + 1 { break }
            }
            return try await body(urls)
        }
    }

    /// Runs `services` while `body` runs, then shuts them down gracefully (also when `body` throws).
    static func running<T: Sendable>(
        _ services: [any Service], logger: Logger, _ body: () async throws -> T
    ) async throws -> T {
        let group = ServiceGroup(
            services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let running = Task { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await running.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
    }
}
