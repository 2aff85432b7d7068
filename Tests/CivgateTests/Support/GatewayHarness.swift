import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation
import GRDB
import Logging
import PopulationAdapter
import PopulationMock
import ServiceLifecycle
import Synchronization

/// A real gateway and a real population mock in this process, on free loopback ports, with a real
/// SQLite file in a fresh folder. Nothing inside is replaced.
struct RunningGateway: Sendable {
    let baseURL: String
    let mockURL: String?
    let dataDirectory: URL
    let store: SQLiteStore

    /// A second connection to the same SQLite file, for counting what was written.
    func count(_ table: String, where condition: String = "1") throws -> Int {
        let queue = try DatabaseQueue(path: store.path)
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)") ?? 0
        }
    }
}

enum GatewayHarness {
    /// Runs `body` against a started gateway (and mock, unless `destinationURL` is given), then stops both.
    /// `adapter` serves the population destination.
    static func withGateway<T: Sendable>(
        destinationURL: String? = nil,
        adapter: any DestinationAdapter = PopulationAdapter(),
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        onAccepted: @escaping @Sendable (Set<String>) -> Void = { _ in },
        _ body: (RunningGateway) async throws -> T
    ) async throws -> T {
        var configuration = GatewayConfiguration()
        configuration.server.port = 0
        configuration.destinations["population"] = DestinationConfiguration()
        configuration.routes = ["birth": [RouteStep(destination: "population", operation: "assign-pin")]]
        configuration.dispatcher.pollInterval = .millis(50)
        configuration.store.busyTimeout = .seconds(20)
        configure(&configuration)
        let directory = TestPaths.temporaryDirectory()
        configuration.store.dataDir = directory.path
        var logger = Logger(label: "test")
        logger.logLevel = .critical

        let store = try SQLiteStore(directory: directory.path, busyTimeout: configuration.store.busyTimeout.duration)
        let endpoints = DestinationDirectory(urls: destinationURL.map { ["population": $0] } ?? [:])
        let mocks: [InProcessGateway.Mock] =
            destinationURL == nil
            ? [
                .init(name: "mock", destination: "population") {
                    try PopulationMock.buildApplication(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: $0)
                }
            ] : []
        return try await InProcessGateway.run(
            configuration: configuration, store: store, adapters: [adapter], endpoints: endpoints,
            mocks: mocks, logger: logger, onAccepted: onAccepted
        ) { urls in
            try await body(
                RunningGateway(baseURL: urls["gateway"]!, mockURL: urls["mock"], dataDirectory: directory, store: store)
            )
        }
    }
}
