import AsyncHTTPClient
import CivgateEngine
import Foundation
import NIOCore
import NIOHTTP1

/// A closed-loop HTTP load: `clients` concurrent clients over keep-alive connections, each sending its
/// next request as soon as the previous answer is read; latency per request with `ContinuousClock`.
struct BenchLoad {
    /// One request to make.
    struct Request: Sendable {
        var url: String
        var contentType: String
        var headers: [(String, String)]
        var body: ByteBuffer
    }

    /// What a load achieved.
    struct Result: Sendable {
        var requests = 0
        var seconds = 0.0
        /// Milliseconds per request.
        var latencies: [Double] = []
        var statuses: [Int: Int] = [:]
        /// Requests that got no answer.
        var failures = 0
        /// Answer bodies, when asked for (indexed like the requests).
        var bodies: [Int: ByteBuffer] = [:]
        /// When each answer arrived (ms since the epoch), when bodies were asked for.
        var answeredAt: [Int: Int64] = [:]

        var rate: Double { seconds > 0 ? Double(requests) / seconds : 0 }

        mutating func merge(_ other: Result) {
            requests += other.requests
            latencies += other.latencies
            failures += other.failures
            for (status, count) in other.statuses { statuses[status, default: 0] += count }
            bodies.merge(other.bodies) { first, _ in first }
            answeredAt.merge(other.answeredAt) { first, _ in first }
        }

        /// `202×19990, 503×10` for notes.
        var statusSummary: String {
            (statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
                + (failures > 0 ? ["no answer×\(failures)"] : []))
                .joined(separator: ", ")
        }
    }

    let client: HTTPClient

    /// Sends `total` requests made by `make(index)` over `clients` concurrent clients.
    func run(clients: Int, total: Int, keepBodies: Bool = false, make: @escaping @Sendable (Int) -> Request) async
        -> Result
    {
        let next = BenchCounter()
        let started = ContinuousClock.now
        let client = self.client
        var result = await withTaskGroup(of: Result.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var local = Result()
                    while true {
                        let index = next.next()
                        guard index < total else { break }
                        let spec = make(index)
                        var request = HTTPClientRequest(url: spec.url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: spec.contentType)
                        for (name, value) in spec.headers { request.headers.add(name: name, value: value) }
                        request.body = .bytes(spec.body)
                        let sent = ContinuousClock.now
                        do {
                            let response = try await client.execute(request, timeout: .seconds(60))
                            let body = try await response.body.collect(upTo: 16 << 20)
                            local.latencies.append(BenchStats.milliseconds(ContinuousClock.now - sent))
                            local.statuses[Int(response.status.code), default: 0] += 1
                            if keepBodies {
                                local.bodies[index] = body
                                local.answeredAt[index] = Timestamp.now()
                            }
                        } catch {
                            local.failures += 1
                        }
                        local.requests += 1
                    }
                    return local
                }
            }
            return await group.reduce(into: Result()) { $0.merge($1) }
        }
        result.seconds = BenchStats.seconds(ContinuousClock.now - started)
        return result
    }

    /// An HTTP client for loads of up to `connections` concurrent requests per host.
    static func makeClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
