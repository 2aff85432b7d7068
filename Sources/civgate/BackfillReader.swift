import Foundation

/// Reads NDJSON in chunks of whole lines, keeping track of the byte offset and the physical line number,
/// so a checkpoint can say exactly where to start again.
///
/// A blank line (only spaces, tabs, `\r`) counts as a line but holds no record, like the batch endpoint.
///
/// Input is read as it comes (`read(2)`, not a whole block at a time): a chunk goes out short when it
/// holds at least one line and nothing more arrives within `lingerMilliseconds`, so the lines of a slow
/// producer (a digitising station writing to a pipe) are stored, and counted by the progress bar, as they
/// come instead of once a chunk's worth has gathered. A file is always ready, so its chunks stay full.
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
    /// Where `read(2)` puts what it reads, before it joins `buffer`.
    private lazy var block = [UInt8](repeating: 0, count: blockSize)
    /// How long a chunk that already holds a line waits for more input.
    private let lingerMilliseconds: Int32

    /// - Parameters:
    ///   - startOffset: bytes already done (the handle is positioned there by the caller).
    ///   - linesDone: physical lines already done; the next line is number `linesDone + 1`.
    ///   - lingerMilliseconds: how long a chunk that holds a line waits for more input before it goes.
    init(handle: FileHandle, startOffset: UInt64, linesDone: Int, chunkLines: Int, lingerMilliseconds: Int32 = 200) {
        self.handle = handle
        self.lingerMilliseconds = lingerMilliseconds
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
            } else if count > 0, !inputArrives(withinMilliseconds: lingerMilliseconds) {
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

    /// Reads what the input has now, waiting only while it has nothing (0 bytes read: its end).
    private func fill() throws {
        let descriptor = handle.fileDescriptor
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: block[0..<count])
                return
            }
            if count == 0 {
                atEnd = true
                return
            }
            guard errno == EINTR else { throw CommandFailure.runtime("cannot read the input (errno \(errno))") }
        }
    }

    /// Whether input (or its end) is there to read within `milliseconds`.
    private func inputArrives(withinMilliseconds milliseconds: Int32) -> Bool {
        var ready = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let count = poll(&ready, 1, milliseconds)
            // An error other than an interrupt: let the read report it.
            if count >= 0 || errno != EINTR { return count != 0 }
        }
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
