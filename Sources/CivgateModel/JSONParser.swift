/// A strict JSON parser (RFC 8259) straight into ``JSONValue``.
///
/// Foundation's decoder accepts some non-JSON (trailing commas), and decoding through `Codable` costs
/// more than ingest can spend per record; this is exact and fast.
struct JSONParser {
    struct Failure: Error {
        /// Byte offset of the problem.
        var offset: Int
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private static let maxDepth = 64

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Failure(offset: parser.index) }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw Failure(offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        index += 1
        // Records' objects have a handful of members: one allocation instead of growing 1, 2, 4, 8.
        var members = [String: JSONValue](minimumCapacity: 8)
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw Failure(offset: index) }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members[key] = try value()
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            depth -= 1
            return .object(members)
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            depth -= 1
            return .array(items)
        }
    }

    /// `bytes` as a string, nil when they are not UTF-8. (`String(validating:)` on an array slice went
    /// through generic code that looked up type metadata for every string: a third of decoding a record.)
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        // Decoding replaces what is not UTF-8 with U+FFFD, which changes the bytes; ASCII is always UTF-8.
        return ascii || text.utf8.elementsEqual(bytes) ? text : nil
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        // Most strings have no escapes: they are validated straight from the input, with no copy.
        let first = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                let end = index - 1
                let text = bytes.withUnsafeBufferPointer { buffer in
                    Self.text(UnsafeBufferPointer(rebasing: buffer[first..<end]), ascii: ascii)
                }
                guard let text else { throw Failure(offset: first) }
                return text
            }
            if byte < 0x20 { throw Failure(offset: index) }
            if byte == UInt8(ascii: "\\") { break }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        var output = Array(bytes[first..<index])
        var start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                output.append(contentsOf: bytes[start..<index])
                index += 1
                guard let text = output.withUnsafeBufferPointer({ Self.text($0, ascii: false) }) else {
                    throw Failure(offset: start)
                }
                return text
            }
            if byte < 0x20 { throw Failure(offset: index) }
            if byte == UInt8(ascii: "\\") {
                output.append(contentsOf: bytes[start..<index])
                try escape(into: &output)
                start = index
                continue
            }
            index += 1
        }
        throw Failure(offset: index)
    }

    private mutating func escape(into output: inout [UInt8]) throws(Failure) {
        index += 1
        guard index < bytes.count else { throw Failure(offset: index) }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(code)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw Failure(offset: index)
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Failure(offset: index) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw Failure(offset: index)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Failure(offset: index) }
            output.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw Failure(offset: index - 1)
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Failure(offset: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Failure(offset: index)
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw Failure(offset: index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        var integral = true
        if peek(UInt8(ascii: ".")) {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw Failure(offset: index) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            integral = false
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw Failure(offset: index) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if integral, let value = integer(from: start) { return .integer(value) }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text) else { throw Failure(offset: start) }
        return .number(value)
    }

    /// The integer `bytes[start..<index]` (an optional `-` and digits), or `nil` when it overflows `Int64`:
    /// what `Int64(text)` gives, without building the text.
    private func integer(from start: Int) -> Int64? {
        let negative = bytes[start] == UInt8(ascii: "-")
        var value: Int64 = 0
        for byte in bytes[(negative ? start + 1 : start)..<index] {
            let digit = Int64(byte - UInt8(ascii: "0"))
            // Accumulated negatively so that Int64.min fits.
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, underflow) = shifted.subtractingReportingOverflow(digit)
            guard !overflow, !underflow else { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count, bytes[index..<(index + expected.count)].elementsEqual(expected)
        else {
            throw Failure(offset: index)
        }
        index += expected.count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Failure(offset: index) }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek(byte) else { throw Failure(offset: index) }
        index += 1
    }

    private func peek(_ byte: UInt8) -> Bool {
        index < bytes.count && bytes[index] == byte
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
