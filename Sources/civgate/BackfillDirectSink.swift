import CivgateEngine
import Foundation

/// Ingests chunks in-process through ``IngestService/submitBatchLine(_:line:lane:)``: the same checks and
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
        let ingest = self.ingest
        let maxLineBytes = self.maxLineBytes
        var outcomes: [BackfillLineOutcome] = []
        outcomes.reserveCapacity(chunk.records.count)
        await withTaskGroup(of: BackfillLineOutcome.self) { group in
            var next = 0
            func add() {
                let line = chunk.records[next]
                next += 1
                guard line.range.count <= maxLineBytes else {
                    group.addTask {
                        BackfillLineOutcome(
                            line: line.number, status: "rejected", problemCode: "body-too-large", problemPath: nil)
                    }
                    return
                }
                let body = Data(chunk.bytes[line.range])
                group.addTask {
                    let result = await ingest.submitBatchLine(body, line: line.number)
                    return BackfillLineOutcome(
                        line: result.line, status: result.status, problemCode: result.problem?.code,
                        problemPath: result.problem?.errors?.first?.path)
                }
            }
            while next < min(concurrency, chunk.records.count) { add() }
            for await outcome in group {
                outcomes.append(outcome)
                if next < chunk.records.count { add() }
            }
        }
        outcomes.sort { $0.line < $1.line }
        if let unavailable = outcomes.first(where: { $0.problemCode == "store-unavailable" }) {
            throw BackfillSendFailure(
                description: "the store is unavailable (line \(unavailable.line))", retryable: true)
        }
        return outcomes
    }

    func close() async {}
}
