import HTTPTypes
public import Hummingbird
import NIOCore

/// Applies the ``FaultInjector``'s profile to each request of a mock's service paths.
///
/// Add it to the router before the routes (Hummingbird applies a middleware only to routes added after
/// it). Error and outage statuses and latency are produced here. Resets, dropped replies and black holes
/// need the connection, which a middleware cannot reach: the middleware marks the response and the
/// connection handler installed by ``FaultInjector/httpServer`` carries the fault out. Without that
/// handler the marked response arrives as a 500 that says so, instead of passing silently.
public struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let injector: FaultInjector

    /// Creates the middleware for `injector`.
    public init(injector: FaultInjector) {
        self.injector = injector
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let decision = injector.decide(path: request.uri.path) else {
            return try await next(request, context)
        }
        if decision.delay > .zero {
            try await Task.sleep(for: decision.delay)
        }
        switch decision.action {
        case .pass:
            return try await next(request, context)
        case .error(let status, let retryAfter):
            return Self.errorResponse(kind: "error", status: status, retryAfter: retryAfter)
        case .outage(let status, let retryAfter):
            return Self.errorResponse(kind: "outage", status: status, retryAfter: retryAfter)
        case .reset:
            return ConnectionFault.reset.markedResponse
        case .blackHole:
            return ConnectionFault.blackHole.markedResponse
        case .dropReply:
            // The effect must happen: run the handler to the end, whatever it answers, then lose the answer.
            _ = try? await next(request, context)
            return ConnectionFault.dropReply.markedResponse
        }
    }

    /// A small JSON body naming the fault, so a log of the exchange shows the error was injected.
    static func errorResponse(kind: String, status: Int, retryAfter: Int?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"injectedFault":"\#(kind)","status":\#(status)}"#)))
    }
}
