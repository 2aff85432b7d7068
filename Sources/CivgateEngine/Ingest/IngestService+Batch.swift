import CivgateModel
public import Foundation

extension IngestService {
    /// Ingests one line of a batch: idempotent by the record's natural key (source system, record id,
    /// version), so a batch sent twice, or resumed, creates nothing twice. Batch records go to the
    /// `backfill` lane unless told otherwise.
    public func submitBatchLine(_ body: Data, line: Int, lane: Lane = .backfill) async -> BatchLineResult {
        let now = Timestamp.now()
        let result: BatchLineResult
        switch intake.accept(body) {
        case .failure(let rejection):
            result = BatchLineResult(line: line, status: "rejected", problem: Self.problem(for: rejection))
        case .success(let accepted):
            switch await write(accepted, key: nil, fingerprint: "", lane: lane, now: now) {
            case (.stored(let status, _, _), let id):
                result = BatchLineResult(line: line, status: status == 202 ? "accepted" : "duplicate", id: id)
            case (.problem(let problem), _):
                result = BatchLineResult(line: line, status: "rejected", problem: problem)
            }
        }
        Metrics.shared.increment("civgate_ingest_total", ["outcome": result.status, "endpoint": "batch"])
        return result
    }

    /// The `id` of a stored record response.
    static func recordID(in body: Data) -> String? {
        struct Identified: Decodable { var id: String }
        return try? JSONDecoder().decode(Identified.self, from: body).id
    }
}
