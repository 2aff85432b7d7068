public import CivgateModel
public import Foundation

/// An RFC 9457 problem: a stable `code`, a human `title`/`detail`, and the JSON path of each error.
///
/// Problems never echo the submitted values: they name fields and rules only.
public struct Problem: Error, Sendable, Codable, Hashable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var code: String
    public var errors: [SchemaViolation]?
    /// Seconds after which to try again (503), sent as `Retry-After`.
    public var retryAfter: Int?

    private enum CodingKeys: String, CodingKey {
        case type, title, status, detail, code, errors
    }

    public init(
        status: Int, code: String, title: String, detail: String, errors: [SchemaViolation]? = nil,
        retryAfter: Int? = nil
    ) {
        self.type = "urn:civgate:problem:\(code)"
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors
        self.retryAfter = retryAfter
    }

    /// The body, as `application/problem+json`.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{\"status\":\(status)}".utf8)
    }

    public static func notFound(_ what: String) -> Problem {
        Problem(status: 404, code: "not-found", title: "Not found", detail: "no \(what) with this id")
    }

    public static func storeUnavailable() -> Problem {
        Problem(
            status: 503, code: "store-unavailable", title: "Store unavailable",
            detail: "the store cannot write right now; nothing was accepted, send the same request again later",
            retryAfter: 5)
    }
}
