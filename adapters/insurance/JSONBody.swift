import CivgateModel

/// Encodes message bodies: compact, sorted keys (stable bytes for golden files and digests), slashes
/// and non-ASCII letters as they are. Optional members that are `nil` are left out, never sent as null.
enum JSONBody {
    static func encode(_ value: some JSONMessage) -> [UInt8] {
        // The message types hold strings and integers only: writing cannot fail.
        Array(try! value.json.canonicalBytes())
    }

    /// A JSON POST to `path` carrying the outbound key as `Idempotency-Key` (and, in the body, `maYeuCau`).
    static func post(_ path: String, key: String, body: some JSONMessage) -> PreparedRequest {
        .send(
            OutboundRequest(
                method: "POST", path: path, contentType: "application/json; charset=utf-8",
                headers: ["Idempotency-Key": key], body: encode(body)))
    }
}
