import Foundation

/// The end-of-run report: counts and the first rejected lines (numbers and codes only).
struct BackfillSummary {
    struct Totals: Encodable {
        var accepted: Int
        var duplicate: Int
        var rejected: Int
    }

    var input: String
    var resumedAfterLine: Int?
    /// Physical lines read in this run, blank ones included.
    var linesRead: Int
    /// The last physical line acknowledged.
    var lastLine: Int
    var tally: BackfillTally
    var seconds: Double
    /// Counts since the input's first line, across resumed runs (files only).
    var sinceStart: Totals?

    func print(json: Bool, outcome: String) throws {
        if json {
            struct Document: Encodable {
                var outcome: String
                var input: String
                var resumedAfterLine: Int?
                var linesRead: Int
                var lastLine: Int
                var accepted: Int
                var duplicate: Int
                var rejected: Int
                var rejectionCodes: [String: Int]
                var firstRejections: [BackfillTally.Rejection]
                var seconds: Double
                var sinceStart: Totals?
            }
            return try JSONOutput.print(
                Document(
                    outcome: outcome, input: input, resumedAfterLine: resumedAfterLine, linesRead: linesRead,
                    lastLine: lastLine,
                    accepted: tally.accepted, duplicate: tally.duplicate, rejected: tally.rejected,
                    rejectionCodes: tally.rejectionCodes, firstRejections: tally.firstRejections,
                    seconds: (seconds * 10).rounded() / 10, sinceStart: sinceStart))
        }
        let rate = seconds > 0 ? Int(Double(linesRead) / seconds) : 0
        let resumed = resumedAfterLine.map { " (resumed after line \($0))" } ?? ""
        Output.line(
            "backfill \(outcome): \(linesRead) lines read\(resumed) in \(String(format: "%.1f", seconds)) s (\(rate) lines/s): \(tally.accepted) accepted, \(tally.duplicate) duplicate, \(tally.rejected) rejected"
        )
        if !tally.rejectionCodes.isEmpty {
            Output.line(
                "rejected by code: "
                    + tally.rejectionCodes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(
                        separator: ", "))
            Output.line(
                "first rejected lines: "
                    + tally.firstRejections.map { "line \($0.line) \($0.code)\($0.path.map { " at \($0)" } ?? "")" }
                    .joined(separator: "; "))
        }
        if let sinceStart, resumedAfterLine != nil {
            Output.line(
                "since the first line: \(sinceStart.accepted) accepted, \(sinceStart.duplicate) duplicate, \(sinceStart.rejected) rejected"
            )
        }
    }
}
