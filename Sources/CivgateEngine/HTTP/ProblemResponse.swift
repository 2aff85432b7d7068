import Foundation
import Hummingbird

extension Problem {
    /// The problem as an HTTP response with `application/problem+json` (and `Retry-After` for 503).
    func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded())))
    }
}

/// Turns every error a handler throws into problem+json, so clients never see another error format.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response()
        } catch let error as any HTTPResponseError {
            let status = Int(error.status.code)
            let code =
                switch status {
                case 404: "not-found"
                case 405: "method-not-allowed"
                case 413: "body-too-large"
                default: "invalid-request"
                }
            return Problem(
                status: status, code: code, title: error.status.reasonPhrase,
                detail: status == 404 ? "no such resource" : error.status.reasonPhrase.lowercased()
            ).response()
        } catch {
            return Problem(
                status: 500, code: "internal-error", title: "Internal error", detail: "the gateway failed to answer"
            )
            .response()
        }
    }
}
