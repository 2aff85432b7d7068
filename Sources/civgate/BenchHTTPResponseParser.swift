import Foundation
import NIOCore

/// Reads HTTP/1.1 responses from the bytes of one connection, as they arrive: the status line, the
/// headers, and the body by `Content-Length`, by chunked transfer coding, or up to the end of the
/// connection when neither is given. 1xx answers are skipped; 204 and 304 have no body (the bench never
/// sends HEAD). The load generator needs the status and whether the connection stays open, not the body,
/// so a body is skipped and only its length is kept.
struct BenchHTTPResponseParser {
    /// One complete response.
    struct Response: Equatable {
        var status: Int
        var bodyLength: Int
        /// The server said `Connection: close` (or answered HTTP/1.0 without keep-alive).
        var close: Bool
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers
        case untilClose
    }

    /// Heads larger than this are refused rather than buffered without end.
    static let maxHeadBytes = 64 << 10

    private var pending = ByteBuffer()
    private var state = State.head
    private var status = 0
    private var bodyLength = 0
    private var close = false

    /// Takes the bytes that arrived.
    mutating func feed(_ bytes: ByteBuffer) {
        if pending.readableBytes == 0 {
            pending = bytes
        } else {
            var bytes = bytes
            pending.writeBuffer(&bytes)
        }
    }

    /// The next complete response, or nil until more bytes arrive.
    mutating func next() throws -> Response? {
        while true {
            switch state {
            case .head:
                guard let end = Self.find(crlfcrlf, in: pending) else {
                    if pending.readableBytes > Self.maxHeadBytes {
                        throw Malformed(description: "response head too large")
                    }
                    return nil
                }
                let head = pending.readSlice(length: end + 4)!
                try parseHead(head)
            case .fixed(let remaining):
                guard pending.readableBytes >= remaining else { return nil }
                pending.moveReaderIndex(forwardBy: remaining)
                bodyLength += remaining
                return finish()
            case .chunkSize:
                guard let end = Self.find(crlf, in: pending) else { return nil }
                let line = pending.readSlice(length: end + 2)!
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let taken = min(remaining, pending.readableBytes)
                pending.moveReaderIndex(forwardBy: taken)
                bodyLength += taken
                guard taken == remaining else {
                    state = .chunkData(remaining: remaining - taken)
                    return nil
                }
                state = .chunkEnd
            case .chunkEnd:
                guard pending.readableBytes >= 2 else { return nil }
                guard pending.readBytes(length: 2) == Array(crlf) else {
                    throw Malformed(description: "chunk not followed by CRLF")
                }
                state = .chunkSize
            case .trailers:
                guard let end = Self.find(crlf, in: pending) else { return nil }
                pending.moveReaderIndex(forwardBy: end + 2)
                if end == 0 { return finish() }
            case .untilClose:
                bodyLength += pending.readableBytes
                pending.moveReaderIndex(forwardBy: pending.readableBytes)
                return nil
            }
        }
    }

    /// The response whose body runs to the end of the connection, when the connection ended.
    mutating func connectionClosed() -> Response? {
        guard case .untilClose = state else { return nil }
        bodyLength += pending.readableBytes
        return finish()
    }

    /// Whether bytes of a response have been read but the response is not complete.
    var inResponse: Bool {
        if case .head = state { return pending.readableBytes > 0 }
        return true
    }

    private mutating func finish() -> Response {
        let response = Response(status: status, bodyLength: bodyLength, close: close)
        state = .head
        bodyLength = 0
        if pending.readableBytes == 0 { pending.clear() }
        return response
    }

    private mutating func parseHead(_ head: ByteBuffer) throws {
        let view = head.readableBytesView
        var lines = Self.lines(view)
        guard let statusLine = lines.next(), statusLine.count >= 12, statusLine.starts(with: "HTTP/1.".utf8) else {
            throw Malformed(description: "bad status line")
        }
        let http10 = statusLine[statusLine.startIndex + 7] == UInt8(ascii: "0")
        guard let code = Self.decimal(statusLine.dropFirst(9).prefix(3)), (100...999).contains(code) else {
            throw Malformed(description: "bad status code")
        }
        var length: Int?
        var chunked = false
        var close = http10
        while let line = lines.next(), !line.isEmpty {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw Malformed(description: "bad header line")
            }
            let name = line[..<colon]
            let value = Self.trimmed(line[line.index(after: colon)...])
            if Self.equalsIgnoringCase(name, "content-length") {
                guard let parsed = Self.decimal(value), length == nil || length == parsed else {
                    throw Malformed(description: "bad Content-Length")
                }
                length = parsed
            } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
                let codings = String(decoding: value, as: UTF8.self).lowercased().split(separator: ",")
                chunked = codings.last?.trimmingCharacters(in: .whitespaces) == "chunked"
            } else if Self.equalsIgnoringCase(name, "connection") {
                let tokens = String(decoding: value, as: UTF8.self).lowercased()
                if tokens.contains("close") { close = true } else if tokens.contains("keep-alive") { close = false }
            }
        }
        if (100..<200).contains(code) {
            return  // informational: the real answer follows
        }
        status = code
        bodyLength = 0
        self.close = close
        if code == 204 || code == 304 {
            state = .fixed(remaining: 0)
        } else if chunked {
            state = .chunkSize
        } else if let length {
            state = .fixed(remaining: length)
        } else {
            state = .untilClose
            self.close = true
        }
    }

    /// The lines of a head, without their CRLF (or bare LF).
    private static func lines(_ view: ByteBufferView) -> some IteratorProtocol<ByteBufferView.SubSequence> {
        var rest = view[...]
        return AnyIterator {
            guard !rest.isEmpty else { return nil }
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            var line = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            return line
        }
    }

    private static func trimmed(_ bytes: ByteBufferView.SubSequence) -> ByteBufferView.SubSequence {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) })
        else { return bytes[bytes.startIndex..<bytes.startIndex] }
        return bytes[first...last]
    }

    private static func decimal(_ bytes: ByteBufferView.SubSequence) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// ASCII case-insensitive comparison with a lowercase name.
    private static func equalsIgnoringCase(_ bytes: ByteBufferView.SubSequence, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, lower in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == lower
            }
        }
    }

    private static func chunkSize(_ line: ByteBuffer) throws -> Int {
        var size = 0
        var digits = 0
        for byte in line.readableBytesView {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            default: value = -1
            }
            guard value >= 0 else { break }  // `;` extensions, spaces or the CRLF end the size
            guard digits < 15 else { throw Malformed(description: "chunk size too large") }
            size = size * 16 + value
            digits += 1
        }
        guard digits > 0 else { throw Malformed(description: "bad chunk size") }
        return size
    }

    /// Offset of `pattern` in the readable bytes of `buffer`.
    private static func find(_ pattern: [UInt8], in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= pattern.count else { return nil }
            var index = 0
            let last = bytes.count - pattern.count
            while index <= last {
                if bytes[index] == pattern[0] {
                    var matched = 1
                    while matched < pattern.count, bytes[index + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return index }
                }
                index += 1
            }
            return nil
        }
    }
}

private let crlf: [UInt8] = Array("\r\n".utf8)
private let crlfcrlf: [UInt8] = Array("\r\n\r\n".utf8)
