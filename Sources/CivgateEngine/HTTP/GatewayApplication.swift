public import Hummingbird
public import Logging

/// Builds the gateway's HTTP application; it is not running yet (run it as a `Service`).
///
/// Tests use the same builder with Hummingbird's test client.
public func buildGatewayApplication(
    configuration: GatewayConfiguration,
    store: any GatewayStore,
    ingest: IngestService,
    readiness: @escaping @Sendable () async -> ReadinessReport,
    onRequeued: @escaping @Sendable () -> Void = {},
    logger: Logger,
    onServerRunning: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    GatewayRoutes(
        store: store, ingest: ingest, maxBodyBytes: configuration.server.maxBodyBytes, readiness: readiness,
        onRequeued: { _ in onRequeued() }
    ).register(on: router)
    let host = configuration.server.host
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(host, port: configuration.server.port), serverName: "civgate"),
        onServerRunning: { channel in await onServerRunning(host, channel.localAddress?.port ?? 0) },
        logger: logger)
}
