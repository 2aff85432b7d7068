import AsyncHTTPClient
import CivgateEngine
import Foundation
import NIOCore

/// Live traffic at a steady rate (open loop: a slow answer does not slow the sender), and the latency
/// of each of its deliveries from the ingest answer (202) to the delivery's `succeeded` transition.
enum BenchLiveTraffic {
    struct Sample: Sendable {
        /// When the 202 arrived, ms since the epoch.
        var answeredAt: Int64
        var deliveries: [String]
    }

    struct Result: Sendable {
        var samples: [Sample]
        var failures: Int
        var ingestLatencies: [Double]
    }

    static func run(client: HTTPClient, gateway: String, lines: [Data], rate: Double, keyPrefix: String) async -> Result
    {
        let started = ContinuousClock.now
        return await withTaskGroup(of: (Sample?, Double).self) { group in
            for (index, line) in lines.enumerated() {
                try? await Task.sleep(until: started + .milliseconds(Int64(Double(index) * 1000 / rate)))
                group.addTask {
                    var request = HTTPClientRequest(url: gateway + "/v1/records")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "Idempotency-Key", value: "\(keyPrefix)-\(index)")
                    request.body = .bytes(ByteBuffer(bytes: line))
                    let sent = ContinuousClock.now
                    guard let response = try? await client.execute(request, timeout: .seconds(60)),
                        let body = try? await response.body.collect(upTo: 1 << 20), response.status.code == 202
                    else { return (nil, 0) }
                    let latency = BenchStats.milliseconds(ContinuousClock.now - sent)
                    struct Answer: Decodable {
                        struct Delivery: Decodable { var id: String }
                        var deliveries: [Delivery]
                    }
                    guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView)) else {
                        return (nil, latency)
                    }
                    return (Sample(answeredAt: Timestamp.now(), deliveries: answer.deliveries.map(\.id)), latency)
                }
            }
            var result = Result(samples: [], failures: 0, ingestLatencies: [])
            for await (sample, latency) in group {
                if let sample {
                    result.samples.append(sample)
                    result.ingestLatencies.append(latency)
                } else {
                    result.failures += 1
                }
            }
            return result
        }
    }

    /// An HTTP client for the live traffic and the mock resets, for up to `connections` concurrent
    /// requests per host.
    static func makeClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Milliseconds from each sample's 202 to each of its deliveries' success (deliveries that did not
    /// succeed are counted apart).
    static func deliveryLatencies(_ store: SQLiteStore, samples: [Sample]) async throws -> (
        latencies: [Double], unsucceeded: Int
    ) {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var latencies: [Double] = []
        var unsucceeded = 0
        for sample in samples {
            for id in sample.deliveries {
                guard let view = try await store.deliveryView(id: id),
                    let done = view.transitions.last(where: { $0.to == DeliveryState.succeeded.rawValue }),
                    let at = try? format.parse(done.at)
                else {
                    unsucceeded += 1
                    continue
                }
                let milliseconds = Int64((at.timeIntervalSince1970 * 1000).rounded())
                latencies.append(Double(max(0, milliseconds - sample.answeredAt)))
            }
        }
        return (latencies, unsucceeded)
    }
}
