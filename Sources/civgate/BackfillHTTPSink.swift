import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends chunks to `POST /v1/records:batch` of a running civgate (`application/x-ndjson`), one request
/// per chunk, and reads the NDJSON results.
final class BackfillHTTPSink: BackfillSink {
    private let client: HTTPClient
    private let endpoint: String
    private let timeout: TimeAmount

    /// - Parameter baseURL: `http://HOST:PORT` of the gateway.
    init(baseURL: String, connections: Int, timeout: Duration = .seconds(300)) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        endpoint = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/v1/records:batch"
        self.timeout = .seconds(timeout.components.seconds)
    }

    func send(_ chunk: BackfillChunk) async throws -> [BackfillLineOutcome] {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.headers.add(name: "User-Agent", value: "civgate-backfill/1")
        request.body = .bytes(ByteBuffer(bytes: chunk.bytes))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw BackfillSendFailure(
                description: "no answer from \(endpoint) (\(Self.describe(error)))", retryable: true)
        }
        guard response.status == .ok else {
            let code = Self.problemCode(body) ?? "http-\(response.status.code)"
            let retryable = response.status.code == 503 || response.status.code == 429 || response.status.code >= 502
            throw BackfillSendFailure(
                description: "\(endpoint) answered \(response.status.code) (\(code))", retryable: retryable)
        }
        let decoder = JSONDecoder()
        var outcomes: [BackfillLineOutcome] = []
        outcomes.reserveCapacity(chunk.records.count)
        for line in body.readableBytesView.split(separator: 0x0A) where !line.isEmpty {
            guard var outcome = try? decoder.decode(BackfillLineOutcome.self, from: Data(line)) else {
                throw BackfillSendFailure(
                    description: "\(endpoint) sent a result line that is not JSON", retryable: true)
            }
            outcome.line += chunk.firstLine - 1
            outcomes.append(outcome)
        }
        guard outcomes.map(\.line) == chunk.records.map(\.number) else {
            throw BackfillSendFailure(
                description:
                    "\(endpoint) answered \(outcomes.count) of \(chunk.records.count) lines (lines \(chunk.firstLine)–\(chunk.lastLine))",
                retryable: true)
        }
        return outcomes
    }

    func close() async {
        try? await client.shutdown()
    }

    private static func problemCode(_ body: ByteBuffer) -> String? {
        struct Coded: Decodable { var code: String }
        return try? JSONDecoder().decode(Coded.self, from: Data(body.readableBytesView)).code
    }

    private static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(120))
    }
}
