import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation
import Logging
import ServiceLifecycle

/// civgate and both mocks in this process, on loopback with ports picked by the system, built exactly
/// like `civgate serve` builds them. The dispatcher runs in a group of its own so the ingest phases can
/// be measured before any delivery starts.
final class BenchGateway: Sendable {
    let configuration: GatewayConfiguration
    let store: SQLiteStore
    let ingest: IngestService
    let dispatcher: Dispatcher
    /// Base URLs: `gateway`, `population`, `insurance`.
    let addresses = DestinationDirectory()
    private let group: ServiceGroup
    private let running: Task<Void, Never>
    private let dispatching = BenchTaskBox()
    private let logger: Logger

    init(configuration: GatewayConfiguration) async throws {
        var logger = LogSetup.logger("bench")
        if ProcessInfo.processInfo.environment["CIVGATE_LOG_LEVEL"] == nil { logger.logLevel = .warning }
        self.logger = logger
        self.configuration = configuration
        // As `civgate serve` opens it.
        store = try SQLiteStore(
            directory: configuration.store.dataDir, busyTimeout: configuration.store.busyTimeout.duration,
            preallocateLog: true)
        let directory = DestinationDirectory()
        let dispatcher = try Dispatcher(
            store: store, configuration: configuration, adapters: Catalog.adapters(configuration), directory: directory,
            logger: logger)
        self.dispatcher = dispatcher
        let schema = try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))
        ingest = IngestService(
            store: store, intake: RecordIntake(validator: try SchemaValidator(schema: schema)),
            configuration: configuration,
            logger: logger, onAccepted: { dispatcher.wake($0) })
        var services: [any Service] = []
        let addresses = self.addresses
        for name in Catalog.mockNames {
            services.append(
                try Catalog.mock(
                    name, host: "127.0.0.1", port: 0, seed: 1, logger: logger,
                    onServerRunning: { host, port in
                        await directory.set(name, url: "http://\(host):\(port)")
                        await addresses.set(name, url: "http://\(host):\(port)")
                    }))
        }
        let store = self.store
        services.append(
            buildGatewayApplication(
                configuration: configuration, store: store, ingest: ingest,
                readiness: { ReadinessReport(checks: ["store": .init(status: "ok")], destinations: [:]) },
                onRequeued: { dispatcher.wakeAll() }, logger: logger,
                onServerRunning: { host, port in await addresses.set("gateway", url: "http://\(host):\(port)") }))
        let group = ServiceGroup(
            services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        self.group = group
        running = Task { try? await group.run() }
        for name in ["gateway"] + Catalog.mockNames { _ = await addresses.url(for: name) }
    }

    func url(_ name: String) async -> String { await addresses.url(for: name) }

    /// Starts delivering.
    func startDispatcher() async {
        let group = ServiceGroup(
            services: [dispatcher], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        await dispatching.set(group, Task { try? await group.run() })
    }

    /// Stops delivering (in-flight attempts finish first).
    func stopDispatcher() async {
        guard let (group, task) = await dispatching.take() else { return }
        await group.triggerGracefulShutdown()
        await task.value
    }

    /// Stops everything.
    func stop() async {
        await stopDispatcher()
        await group.triggerGracefulShutdown()
        await running.value
    }
}

/// The dispatcher's service group while it runs.
actor BenchTaskBox {
    private var current: (ServiceGroup, Task<Void, Never>)?

    func set(_ group: ServiceGroup, _ task: Task<Void, Never>) { current = (group, task) }

    func take() -> (ServiceGroup, Task<Void, Never>)? {
        defer { current = nil }
        return current
    }
}
