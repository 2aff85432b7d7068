import CivgateEngine
import Foundation

/// Ingests chunks in-process through ``IngestService/submitBatchLines(_:lane:)``: the same checks and
/// the same idempotency by natural key as the batch endpoint, without a server. The dispatcher of a
/// running `civgate serve` on the same store picks the records up (it polls the backfill lane).
final class BackfillDirectSink: BackfillSink {
    private let ingest: IngestService
    private let maxLineBytes: Int
    /// Lines in flight at once: enough for group commit to fill its transactions.
    private let concurrency: Int

    init(ingest: IngestService, maxLineBytes: Int, concurrency: Int = 256) {
        self.ingest = ingest
        self.maxLineBytes = maxLineBytes
        self.concurrency = concurrency
    }

    func send(_ chunk: BackfillChunk) async throws -> [BackfillLineOutcome] {
        var outcomes: [BackfillLineOutcome] = []
        outcomes.reserveCapacity(chunk.records.count)
        var window: [(line: Int, body: Data)] = []
        func flush() async {
            // Intake on the gateway's low-priority threads, writes in the backfill lane, as the batch
            // endpoint does: a direct backfill beside a running server leaves it the CPU first.
            for result in await ingest.submitBatchLines(window) {
                outcomes.append(
                    BackfillLineOutcome(
                        line: result.line, status: result.status, problemCode: result.problem?.code,
                        problemPath: result.problem?.errors?.first?.path))
            }
            window = []
        }
        for line in chunk.records {
            guard line.range.count <= maxLineBytes else {
                outcomes.append(
                    BackfillLineOutcome(
                        line: line.number, status: "rejected", problemCode: "body-too-large", problemPath: nil))
                continue
            }
            window.append((line.number, Data(chunk.bytes[line.range])))
            if window.count >= concurrency { await flush() }
        }
        if !window.isEmpty { await flush() }
        outcomes.sort { $0.line < $1.line }
        if let unavailable = outcomes.first(where: { $0.problemCode == "store-unavailable" }) {
            throw BackfillSendFailure(
                description: "the store is unavailable (line \(unavailable.line))", retryable: true)
        }
        return outcomes
    }

    func close() async {}
}
