import CivgateContracts
import CivgateXML
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import MockFaults

/// A mock of the National Population Database for contract tests and development.
///
/// - `POST /dancu/v1/ghi-nhan-khai-tu` (record-death) and `POST /dancu/v1/cap-nhat-cong-dan`
///   (update-citizen): validated the same way; the effect (recording the event) happens once per key.
/// - `POST /dancu/v1/cap-so-dinh-danh` (assign-pin): validates against `contracts/population/population.xsd`
///   (400 with the reason when invalid), answers with a PIN of the right structure, answers a repeated
///   `Idempotency-Key` with the first result, and answers 409 `NGHI_TRUNG` for a second birth with
///   identical details unless the message confirms a multiple birth.
/// - `GET|PUT|DELETE /_mock/faults`: the fault profile (see `mocks/faults/README.md`).
/// - `GET /_mock/requests`: every request received, in order. `GET /_mock/effects`: effects per key.
///   `POST /_mock/reset`: forget everything.
public enum PopulationMock {
    /// Builds the mock's application (not yet running); `onServerRunning` gets the bound host and port.
    /// `faults` injects errors, latency, black holes, resets and lost replies (`/_mock/faults`).
    public static func buildApplication(
        host: String, port: Int, seed: UInt64 = 1, logger: Logger, faults: FaultInjector = FaultInjector(),
        onServerRunning: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) throws -> some ApplicationProtocol {
        let validator = try XMLSchemaValidator(schemaAt: ContractFiles.url(ContractFiles.populationSchemaPath))
        let state = PopulationMockState(seed: seed)
        let handler = PopulationRequestHandler(validator: validator, state: state)
        let router = Router(context: BasicRequestContext.self)
        // First: middleware applies only to routes added after it.
        router.add(middleware: FaultMiddleware(injector: faults))
        faults.registerRoutes(on: router)
        let services = [
            "/dancu/v1/cap-so-dinh-danh": "assign-pin", "/dancu/v1/ghi-nhan-khai-tu": "record-death",
            "/dancu/v1/cap-nhat-cong-dan": "update-citizen",
        ]
        for (path, operation) in services {
            router.post(RouterPath(path)) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                let reply = await handler.handle(
                    operation: operation, body: Array(buffer: body),
                    key: request.headers[HTTPField.Name("Idempotency-Key")!])
                return Response(
                    status: HTTPResponse.Status(code: reply.status),
                    headers: [.contentType: "application/xml; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
            }
        }
        router.get("/_mock/requests") { _, _ in try json(await state.received) }
        router.get("/_mock/effects") { _, _ in try json(await state.effects) }
        router.post("/_mock/reset") { _, _ in
            await state.reset()
            return Response(status: .noContent)
        }
        router.get("/healthz") { _, _ in try json(["status": "ok"]) }
        return Application(
            router: router, server: faults.httpServer,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "mock-population"),
            onServerRunning: { channel in await onServerRunning(host, channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
