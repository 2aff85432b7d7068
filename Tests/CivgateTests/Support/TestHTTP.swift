import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Real HTTP over loopback for tests.
enum TestHTTP {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        /// The body as a JSON object.
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func request(
        _ method: HTTPMethod, _ url: String, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        var replyHeaders: [String: String] = [:]
        for header in response.headers { replyHeaders[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: replyHeaders, body: Data(buffer: bytes))
    }

    static func get(_ url: String) async throws -> Reply { try await request(.GET, url) }

    /// `POST /v1/records` with JSON content type and (unless nil) an idempotency key.
    static func postRecord(_ baseURL: String, _ body: Data, key: String?) async throws -> Reply {
        var headers = ["Content-Type": "application/json"]
        if let key { headers["Idempotency-Key"] = key }
        return try await request(.POST, baseURL + "/v1/records", body: body, headers: headers)
    }
}

/// Waits for a condition by checking it repeatedly until a deadline: bounded, and it returns as soon as
/// the condition holds (no fixed sleep stands in for synchronisation).
func waitUntil(
    timeout: Duration = .seconds(20), _ what: String = "condition", _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TimedOut(what: what)
}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}
