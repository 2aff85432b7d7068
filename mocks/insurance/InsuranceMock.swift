import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import MockFaults

/// A mock of Vietnam Social Security (BHXH) for contract tests and development
/// (`contracts/insurance/insurance.openapi.yaml`).
///
/// - `POST /bhyt/v1/the-tre-em` (issue-child-card), `POST /bhyt/v1/bao-tu` (report-death),
///   `POST /bhyt/v1/cap-nhat` (update-participant): each request is checked against the contract member
///   by member (``InsuranceContract``), including the card validity rule, computed independently of the
///   adapter; a violation is a 422 whose `loi[]` names the member (400 for a body that is not a JSON
///   object or a missing `Idempotency-Key`). A repeated key gets the first result again (a 201 as 200)
///   and creates nothing twice. One card per `maSoBHXH`: another key for the same PIN gets 409
///   `DA_TON_TAI` with the existing card. Every PIN is a participant except those ending in `000000`
///   (404 `KHONG_TIM_THAY`), unless the mock issued it a card.
/// - `GET|PUT|DELETE /_mock/faults`: the fault profile (see `mocks/faults/README.md`).
/// - `GET /_mock/requests`: every request received, in order. `GET /_mock/effects`: processings per key.
///   `POST /_mock/reset`: forget everything. `GET /healthz`.
public enum InsuranceMock {
    /// Builds the mock's application (not yet running); `onServerRunning` gets the bound host and port.
    /// `seed` keeps the shape of the other mocks: this mock derives everything from the requests.
    public static func buildApplication(
        host: String, port: Int, seed: UInt64 = 1, logger: Logger, faults: FaultInjector = FaultInjector(),
        onServerRunning: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) throws -> some ApplicationProtocol {
        let state = InsuranceMockState()
        let handler = InsuranceHandler(state: state)
        let router = Router(context: BasicRequestContext.self)
        // First: middleware applies only to routes added after it.
        router.add(middleware: FaultMiddleware(injector: faults))
        faults.registerRoutes(on: router)
        for operation in InsuranceContract.Operation.allCases {
            router.post(RouterPath(operation.path)) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                let reply = await handler.handle(
                    operation, body: Array(buffer: body), key: request.headers[HTTPField.Name("Idempotency-Key")!])
                return Response(
                    status: HTTPResponse.Status(code: reply.status),
                    headers: [.contentType: "application/json; charset=utf-8"],
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
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "mock-insurance"),
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
