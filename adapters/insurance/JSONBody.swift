import CivgateModel
import Foundation

/// Encodes message bodies: compact, sorted keys (stable bytes for golden files and digests), slashes
/// and non-ASCII letters as they are. Optional members that are `nil` are left out, never sent as null.
enum JSONBody {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The message types hold strings and integers only: encoding cannot fail.
        return Array(try! encoder.encode(value))
    }

    /// A JSON POST to `path` carrying the outbound key as `Idempotency-Key` (and, in the body, `maYeuCau`).
    static func post(_ path: String, key: String, body: some Encodable) -> PreparedRequest {
        .send(
            OutboundRequest(
                method: "POST", path: path, contentType: "application/json; charset=utf-8",
                headers: ["Idempotency-Key": key], body: encode(body)))
    }
}
