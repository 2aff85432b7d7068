/// The answer for one line of `POST /v1/records:batch`.
public struct BatchLineResult: Sendable, Codable, Hashable {
    /// The physical line number, from 1.
    public var line: Int
    /// `accepted` (stored now), `duplicate` (this registration was already stored) or `rejected`.
    public var status: String
    public var id: String?
    public var problem: Problem?

    public init(line: Int, status: String, id: String? = nil, problem: Problem? = nil) {
        self.line = line
        self.status = status
        self.id = id
        self.problem = problem
    }
}
