public import Foundation

/// The answer for one line of `POST /v1/records:batch`.
public struct BatchLineResult: Sendable, Codable, Hashable {
    /// The physical line number, from 1.
    public var line: Int
    /// `accepted` (stored now), `duplicate` (this registration was already stored) or `rejected`.
    public var status: String
    public var id: String?
    public var problem: Problem?
    /// The codes of an accepted record's warnings (as `GET /v1/records/{id}` shows them whole), for
    /// example `superseded-on-arrival` when a later version was already stored; absent when none.
    public var warnings: [String]?

    public init(line: Int, status: String, id: String? = nil, problem: Problem? = nil, warnings: [String]? = nil) {
        self.line = line
        self.status = status
        self.id = id
        self.problem = problem
        self.warnings = warnings
    }

    /// The answer as one NDJSON line (without its newline): what `JSONEncoder` with sorted keys writes.
    /// Accepted and duplicate lines without warnings, nearly all of a backfill, skip the encoder: they
    /// hold only an id of ours, a number and a fixed word, none of which needs escaping.
    public func jsonLine() -> Data {
        if problem == nil, warnings == nil, let id,
            id.utf8.allSatisfy({ $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 >= 0x20 })
        {
            return Data("{\"id\":\"\(id)\",\"line\":\(line),\"status\":\"\(status)\"}".utf8)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}
