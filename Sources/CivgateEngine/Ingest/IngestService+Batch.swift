import CivgateModel
public import Foundation

extension IngestService {
    /// Ingests the lines of a batch chunk, answered in line order. Each line is idempotent by its
    /// record's natural key (source system, record id, version), so a batch sent twice, or resumed,
    /// creates nothing twice; batch records go to the `backfill` lane unless told otherwise. Their intake runs on low-priority
    /// threads (`LowPriorityWorkers`), in slices, so live requests and deliveries go first; their
    /// writes share group transactions in the backfill lane.
    public func submitBatchLines(_ lines: [(line: Int, body: Data)], lane: Lane = .backfill) async
        -> [BatchLineResult]
    {
        let intake = self.intake
        let slices = stride(from: 0, to: lines.count, by: 64).map { Array(lines[$0..<min($0 + 64, lines.count)]) }
        return await withTaskGroup(of: [BatchLineResult].self) { group in
            for slice in slices {
                group.addTask {
                    let verdicts = await LowPriorityWorkers.shared.run { slice.map { intake.accept($0.body) } }
                    return await withTaskGroup(of: BatchLineResult.self) { writes in
                        for (line, verdict) in zip(slice, verdicts) {
                            writes.addTask { await self.store(verdict, line: line.line, lane: lane) }
                        }
                        return await writes.reduce(into: []) { $0.append($1) }
                    }
                }
            }
            return await group.reduce(into: [BatchLineResult]()) { $0 += $1 }.sorted { $0.line < $1.line }
        }
    }

    private func store(_ verdict: Result<RecordIntake.Accepted, RecordIntake.Rejection>, line: Int, lane: Lane) async
        -> BatchLineResult
    {
        let result: BatchLineResult
        switch verdict {
        case .failure(let rejection):
            result = BatchLineResult(line: line, status: "rejected", problem: Self.problem(for: rejection))
        case .success(let accepted):
            switch await write(accepted, key: nil, fingerprint: "", lane: lane, now: Timestamp.now()) {
            case (.stored(let status, _, _, _), let id, let warnings):
                result = BatchLineResult(
                    line: line, status: status == 202 ? "accepted" : "duplicate", id: id,
                    warnings: warnings.isEmpty ? nil : warnings)
            case (.problem(let problem), _, _):
                result = BatchLineResult(line: line, status: "rejected", problem: problem)
            }
        }
        Metrics.shared.increment("civgate_ingest_total", ["outcome": result.status, "endpoint": "batch"])
        return result
    }
}
