import NIOCore

/// Splits a streamed body into lines without holding more than one line; a line longer than the limit
/// is reported as oversized and skipped up to its newline.
struct NDJSONLineSplitter {
    /// One line, with its physical number (from 1).
    enum Line {
        case text(number: Int, bytes: [UInt8])
        case oversized(number: Int)
    }

    private let maxLineBytes: Int
    private var current: [UInt8] = []
    private var overflowed = false
    private var number = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// The complete lines in `buffer` (blank lines are counted but not returned).
    mutating func feed(_ buffer: ByteBuffer) -> [Line] {
        var lines: [Line] = []
        for byte in buffer.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                if let line = take() { lines.append(line) }
                continue
            }
            if overflowed { continue }
            if current.count >= maxLineBytes {
                overflowed = true
                current = []
                continue
            }
            current.append(byte)
        }
        return lines
    }

    /// The last line when the body does not end with a newline.
    mutating func finish() -> Line? {
        guard !current.isEmpty || overflowed else { return nil }
        return take()
    }

    private mutating func take() -> Line? {
        number += 1
        defer {
            current = []
            overflowed = false
        }
        if overflowed { return .oversized(number: number) }
        if current.last == UInt8(ascii: "\r") { current.removeLast() }
        guard current.contains(where: { ![0x20, 0x09].contains($0) }) else { return nil }
        return .text(number: number, bytes: current)
    }
}
