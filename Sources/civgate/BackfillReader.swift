import Foundation

/// Reads NDJSON in chunks of whole lines, keeping track of the byte offset and the physical line number,
/// so a checkpoint can say exactly where to start again.
///
/// A blank line (only spaces, tabs, `\r`) counts as a line but holds no record, like the batch endpoint.
final class BackfillReader {
    // Used from one task only.
    private let handle: FileHandle
    private let chunkLines: Int
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var atEnd = false
    private var offset: UInt64
    private var line: Int
    private let blockSize = 1 << 20

    /// - Parameters:
    ///   - startOffset: bytes already done (the handle is positioned there by the caller).
    ///   - linesDone: physical lines already done; the next line is number `linesDone + 1`.
    init(handle: FileHandle, startOffset: UInt64, linesDone: Int, chunkLines: Int) {
        self.handle = handle
        self.offset = startOffset
        self.line = linesDone
        self.chunkLines = max(1, chunkLines)
    }

    /// The next chunk of at most `chunkLines` physical lines, or `nil` at the end of the input.
    func next() throws -> BackfillChunk? {
        var end = 0
        var count = 0
        var starts: [Int] = [0]
        while count < chunkLines {
            if let newline = nextNewline() {
                count += 1
                end = newline + 1
                starts.append(end)
            } else if atEnd {
                if end < buffer.count {  // a last line without its newline
                    count += 1
                    end = buffer.count
                    starts.append(end)
                }
                break
            } else {
                try fill()
            }
        }
        guard count > 0 else { return nil }
        let bytes = Array(buffer[0..<end])
        buffer.removeFirst(end)
        scanned = max(0, scanned - end)
        var records: [BackfillChunk.Line] = []
        for index in 0..<count {
            var range = starts[index]..<starts[index + 1]
            if range.upperBound > range.lowerBound, bytes[range.upperBound - 1] == 0x0A {
                range = range.lowerBound..<(range.upperBound - 1)
            }
            if range.upperBound > range.lowerBound, bytes[range.upperBound - 1] == 0x0D {
                range = range.lowerBound..<(range.upperBound - 1)
            }
            if bytes[range].contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                records.append(BackfillChunk.Line(number: line + index + 1, range: range))
            }
        }
        let chunk = BackfillChunk(
            bytes: bytes, firstLine: line + 1, lastLine: line + count, records: records, endOffset: offset + UInt64(end)
        )
        line += count
        offset += UInt64(end)
        return chunk
    }

    private func nextNewline() -> Int? {
        while scanned < buffer.count {
            if buffer[scanned] == 0x0A {
                let found = scanned
                scanned += 1
                return found
            }
            scanned += 1
        }
        return nil
    }

    private func fill() throws {
        guard let data = try handle.read(upToCount: blockSize), !data.isEmpty else {
            atEnd = true
            return
        }
        buffer.append(contentsOf: data)
    }
}

extension BackfillReader {
    /// Physical lines from `offset` to the end of the file (a last line without newline counts), for the
    /// progress bar's total.
    static func countLines(path: String, from offset: UInt64) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        var lines = 0
        var last: UInt8 = 0x0A
        while let data = try handle.read(upToCount: 4 << 20), !data.isEmpty {
            data.withUnsafeBytes { raw in
                for byte in raw where byte == 0x0A { lines += 1 }
            }
            last = data.last!
        }
        return lines + (last == 0x0A ? 0 : 1)
    }
}
