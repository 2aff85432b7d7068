import Foundation

/// What the lines of a backfill came to: counts, and the first rejections by line number and problem
/// code (never the record's content).
struct BackfillTally: Sendable {
    /// One rejected line: its number, the problem code and the first JSON path at fault, if any.
    struct Rejection: Sendable, Codable {
        var line: Int
        var code: String
        var path: String?
    }

    var accepted = 0
    var duplicate = 0
    var rejected = 0
    /// Rejections by problem code.
    var rejectionCodes: [String: Int] = [:]
    /// The first few rejections, in line order.
    var firstRejections: [Rejection] = []
    static let keptRejections = 10

    var records: Int { accepted + duplicate + rejected }

    mutating func add(_ outcome: BackfillLineOutcome) {
        switch outcome.status {
        case "accepted": accepted += 1
        case "duplicate": duplicate += 1
        default:
            rejected += 1
            let code = outcome.problemCode ?? "rejected"
            rejectionCodes[code, default: 0] += 1
            if firstRejections.count < Self.keptRejections {
                firstRejections.append(Rejection(line: outcome.line, code: code, path: outcome.problemPath))
            }
        }
    }
}

/// The answer for one input line, from the batch endpoint or the in-process ingest.
struct BackfillLineOutcome: Sendable, Decodable {
    struct ProblemSummary: Sendable, Decodable {
        struct Violation: Sendable, Decodable { var path: String }
        var code: String
        var errors: [Violation]?
    }

    /// Physical line number (from 1 in the request for the endpoint; the caller maps it to the input).
    var line: Int
    /// `accepted`, `duplicate` or `rejected`.
    var status: String
    var problem: ProblemSummary?

    var problemCode: String? { problem?.code }
    var problemPath: String? { problem?.errors?.first?.path }

    init(line: Int, status: String, problemCode: String?, problemPath: String?) {
        self.line = line
        self.status = status
        self.problem = problemCode.map {
            ProblemSummary(code: $0, errors: problemPath.map { [ProblemSummary.Violation(path: $0)] })
        }
    }
}
