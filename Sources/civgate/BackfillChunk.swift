/// A run of whole NDJSON lines read from the input, with where it ends (for the checkpoint).
struct BackfillChunk: Sendable {
    /// One record line: its physical number in the input (from 1) and its bytes within `bytes`.
    struct Line: Sendable {
        var number: Int
        var range: Range<Int>
    }

    /// The lines exactly as read, newlines included: sent as they are, so the server's line numbers
    /// (from 1 in each request) map back to the input by adding `firstLine - 1`.
    var bytes: [UInt8]
    /// Physical number of the chunk's first line.
    var firstLine: Int
    /// Physical number of its last line.
    var lastLine: Int
    /// The lines that hold a record (blank lines are skipped and get no result).
    var records: [Line]
    /// Byte offset in the input just after the chunk.
    var endOffset: UInt64

    /// Physical lines in the chunk, blank ones included.
    var physicalLines: Int { lastLine - firstLine + 1 }
}
