import Foundation

/// Reads NDJSON in chunks of whole lines, keeping track of the byte offset and the physical line number,
/// so a checkpoint can say exactly where to start again.
///
/// A blank line (only spaces, tabs, `\r`) counts as a line but holds no record, like the batch endpoint.
///
/// Input is read as it comes (`read(2)`, not a whole block at a time): a chunk goes out short once
/// `lingerMilliseconds` have passed since its first line was complete, so the lines of a slow producer (a
/// digitising station writing to a pipe) are stored as they come instead of once a chunk's worth has
/// gathered. A file is always ready, so its chunks stay full.
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
    /// Where `read(2)` puts what it reads, before it joins `buffer`: allocated once.
    private let block: UnsafeMutableRawBufferPointer
    /// How long a chunk waits for more input once its first line is complete.
    private let linger: Duration
    /// Asked every 200 ms while the input has nothing: true stops the wait (an interrupt), and the reader
    /// then returns the lines it has and no more.
    var stopWaiting: @Sendable () -> Bool = { false }
    private var stopped = false

    /// - Parameters:
    ///   - startOffset: bytes already done (the handle is positioned there by the caller).
    ///   - linesDone: physical lines already done; the next line is number `linesDone + 1`.
    ///   - linger: how long a chunk waits for more input once its first line is complete.
    init(
        handle: FileHandle, startOffset: UInt64, linesDone: Int, chunkLines: Int, linger: Duration = .milliseconds(200)
    ) {
        self.handle = handle
        self.linger = linger
        block = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 1)
        self.offset = startOffset
        self.line = linesDone
        self.chunkLines = max(1, chunkLines)
    }

    deinit { block.deallocate() }

    /// Whether `next()` can return without waiting for the input: a whole line is buffered, or the input
    /// has something to read (or has ended). The runner reads ahead only then, so that a chunk in flight
    /// is counted and checkpointed while a slow producer writes nothing.
    var hasInputReady: Bool {
        atEnd || buffer[scanned...].contains(0x0A) || inputArrives(before: .now)
    }

    /// The next chunk of at most `chunkLines` physical lines, or `nil` at the end of the input.
    func next() throws -> BackfillChunk? {
        var end = 0
        var count = 0
        var starts: [Int] = [0]
        // Set when the chunk's first line is complete: the chunk goes then at the latest.
        var deadline: ContinuousClock.Instant?
        while count < chunkLines {
            if let newline = nextNewline() {
                count += 1
                end = newline + 1
                starts.append(end)
                if deadline == nil { deadline = .now + linger }
            } else if atEnd {
                if end < buffer.count {  // a last line without its newline
                    count += 1
                    end = buffer.count
                    starts.append(end)
                }
                break
            } else if stopped {
                break
            } else if let deadline, !inputArrives(before: deadline) {
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

    /// Reads what the input has now, waiting only while it has nothing (0 bytes read: its end), or until
    /// `stopWaiting` says to stop.
    private func fill() throws {
        let descriptor = handle.fileDescriptor
        while true {
            // An idle producer must not keep an interrupt from being acted on.
            while !inputArrives(before: .now + .milliseconds(200)) {
                if stopWaiting() {
                    stopped = true
                    return
                }
            }
            let count = read(descriptor, block.baseAddress, block.count)
            if count > 0 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[0..<count]))
                return
            }
            if count == 0 {
                atEnd = true
                return
            }
            // Standard input may come non-blocking (EAGAIN): the poll above waits for it.
            if errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK {
                throw CommandFailure.runtime("cannot read the input (errno \(errno))")
            }
        }
    }

    /// Whether input (or its end) is there to read before `deadline` (at once when it has passed).
    private func inputArrives(before deadline: ContinuousClock.Instant) -> Bool {
        var ready = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let left = max(.zero, deadline - .now)
            let milliseconds = Int32(
                min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000, 3_600_000))
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
