import Foundation
import NIOCore
import NIOPosix

/// A closed-loop HTTP load: `clients` concurrent clients, each with one keep-alive HTTP/1.1 connection
/// (`BenchLoadClient`), each sending its next request as soon as the previous answer is read; latency per
/// request with `ContinuousClock`. The clients are plain SwiftNIO channels on an event loop group of
/// their own, so the load generator costs about what a lean tool like wrk would, not what a full client
/// library does.
struct BenchLoad {
    /// One request to make: a `POST` to `path`.
    struct Request: Sendable {
        var path: String
        var contentType: String
        var headers: [(String, String)]
        var body: Data
    }

    /// What a load achieved.
    struct Result: Sendable {
        var requests = 0
        var seconds = 0.0
        /// Milliseconds per answered request.
        var latencies: [Double] = []
        var statuses: [Int: Int] = [:]
        /// Requests that got no answer.
        var failures = 0

        var rate: Double { seconds > 0 ? Double(requests) / seconds : 0 }

        mutating func merge(_ other: Result) {
            requests += other.requests
            latencies += other.latencies
            failures += other.failures
            for (status, count) in other.statuses { statuses[status, default: 0] += count }
        }

        /// `202×19990, 503×10` for notes.
        var statusSummary: String {
            (statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
                + (failures > 0 ? ["no answer×\(failures)"] : []))
                .joined(separator: ", ")
        }
    }

    /// What every client of one load shares.
    final class Plan: Sendable {
        let address: SocketAddress
        /// The `Host` header.
        let host: String
        let total: Int
        let counter = BenchCounter()
        let make: @Sendable (Int) -> Request
        /// A request unanswered for this long loses its connection and counts as unanswered.
        let timeout = Duration.seconds(60)

        init(address: SocketAddress, host: String, total: Int, make: @escaping @Sendable (Int) -> Request) {
            self.address = address
            self.host = host
            self.total = total
            self.make = make
        }
    }

    let group: any EventLoopGroup

    /// Sends `total` requests made by `make(index)` to `base` (`http://host:port`) over `clients`
    /// concurrent clients.
    func run(base: String, clients: Int, total: Int, make: @escaping @Sendable (Int) -> Request) async -> Result {
        guard let (host, port) = Self.hostAndPort(base),
            let address = try? SocketAddress.makeAddressResolvingHost(host, port: port)
        else {
            return Result(requests: total, failures: total)
        }
        let plan = Plan(address: address, host: "\(host):\(port)", total: total, make: make)
        let started = ContinuousClock.now
        let futures = (0..<max(1, clients)).map { _ in
            BenchLoadClient(loop: group.next(), plan: plan, expected: total / max(1, clients) + 16).start()
        }
        let results = (try? await EventLoopFuture.whenAllSucceed(futures, on: group.next()).get()) ?? []
        var result = results.reduce(into: Result()) { $0.merge($1) }
        result.seconds = BenchStats.seconds(ContinuousClock.now - started)
        return result
    }

    /// `127.0.0.1` and `8080` from `http://127.0.0.1:8080`.
    static func hostAndPort(_ base: String) -> (String, Int)? {
        guard let url = URL(string: base), url.scheme == "http", let host = url.host else { return nil }
        return (host, url.port ?? 80)
    }

    /// The event loops of the load generator: `threads` of its own, or with 0 the process-wide group
    /// that the gateway and the mocks also run on.
    static func makeGroup(threads: Int) -> any EventLoopGroup {
        threads > 0 ? MultiThreadedEventLoopGroup(numberOfThreads: threads) : MultiThreadedEventLoopGroup.singleton
    }
}
