/// Where a backfill's chunks go: the batch endpoint of a running civgate, or the store directly.
protocol BackfillSink: Sendable {
    /// Ingests every record line of `chunk` and answers one outcome per record line, numbered as in
    /// the input. Throws when the chunk was not fully acknowledged (it is then sent again, or the run
    /// stops without moving the checkpoint past it).
    func send(_ chunk: BackfillChunk) async throws -> [BackfillLineOutcome]
    /// Releases connections or the store.
    func close() async
}

/// A chunk that was not fully acknowledged; `retryable` when sending it again may work.
struct BackfillSendFailure: Error, CustomStringConvertible {
    var description: String
    var retryable: Bool
}
