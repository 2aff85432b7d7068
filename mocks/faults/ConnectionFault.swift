import HTTPTypes
import Hummingbird
import NIOCore

/// A fault carried out on the connection rather than in the answer. The middleware marks the response
/// head with `X-Civgate-Mock-Fault`; the connection handler recognises the mark and never sends the head.
enum ConnectionFault: String, Sendable {
    case reset
    case dropReply = "drop-reply"
    case blackHole = "black-hole"

    static let header = HTTPField.Name("X-Civgate-Mock-Fault")!

    /// The marked response. If it ever reaches a client, the connection handler was not installed: the
    /// status and body say so rather than pretend the request succeeded.
    var markedResponse: Response {
        Response(
            status: .internalServerError,
            headers: [Self.header: rawValue, .contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(
                byteBuffer: ByteBuffer(
                    string: "fault \(rawValue) needs the fault connection handler: build the Application "
                        + "with server: injector.httpServer\n")))
    }
}
