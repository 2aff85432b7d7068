import Foundation
import NIOCore

/// Writes the bytes of a load request (`POST`, HTTP/1.1, keep-alive). The request line, `Host` and
/// `Content-Type` are encoded once per path and content type and copied as bytes; only the length, the
/// request's own headers (such as its `Idempotency-Key`) and the body are written per request.
struct BenchHTTPRequestEncoder {
    let host: String
    private var prefixKey = ""
    private var prefixContentType = ""
    private var prefix = ByteBuffer()

    init(host: String) {
        self.host = host
    }

    /// The whole request, in one buffer.
    mutating func encode(_ request: BenchLoad.Request, allocator: ByteBufferAllocator) -> ByteBuffer {
        if request.path != prefixKey || request.contentType != prefixContentType {
            prefixKey = request.path
            prefixContentType = request.contentType
            prefix = allocator.buffer(
                string: "POST \(request.path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: \(request.contentType)\r\n")
        }
        var headersLength = 0
        for (name, value) in request.headers { headersLength += name.utf8.count + value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: prefix.readableBytes + headersLength + request.body.count + 40)
        buffer.writeImmutableBuffer(prefix)
        buffer.writeStaticString("Content-Length: ")
        buffer.writeString(String(request.body.count))
        buffer.writeStaticString("\r\n")
        for (name, value) in request.headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(request.body)
        return buffer
    }
}
