import AsyncHTTPClient
import CivgateModel
import Foundation
import NIOCore
import NIOHTTP1

/// HTTP to one destination for one lane: its own connection pool and timeouts, so a slow destination
/// cannot use up another's connections, and the backfill lane's connections can run on event loops of
/// their own (`BackgroundExecutor`).
final class DestinationTransport: Sendable {
    /// A failure before any reply arrived.
    struct Failure: Error {
        /// `connect-error`, `timeout`, `connection-lost` or `transport-error`.
        var errorClass: String
        var detail: String
    }

    private let client: HTTPClient
    private let requestTimeout: TimeAmount
    private let maxReplyBytes = 1 << 20

    /// - Parameters:
    ///   - connections: the most connections kept to the destination (its worker budget in this lane).
    ///   - eventLoops: where the connections run.
    init(
        configuration: DestinationConfiguration, connections: Int,
        eventLoops: any EventLoopGroup = HTTPClient.defaultEventLoopGroup
    ) {
        var settings = HTTPClient.Configuration()
        settings.timeout = HTTPClient.Configuration.Timeout(
            connect: .milliseconds(configuration.connectTimeout.milliseconds),
            read: .milliseconds(min(configuration.readTimeout.milliseconds, configuration.requestTimeout.milliseconds)))
        settings.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        settings.decompression = .disabled
        // No tracing: with the default (no-op) tracer, each request still parsed its URL with Foundation
        // to set span attributes nobody reads (1.3 % of the CPU of `civgate bench`'s end-to-end phase).
        settings.tracing.tracer = nil
        client = HTTPClient(eventLoopGroup: eventLoops, configuration: settings)
        requestTimeout = .milliseconds(configuration.requestTimeout.milliseconds)
    }

    /// Sends `request` to `baseURL`; throws `Failure` when no reply came.
    func send(_ request: OutboundRequest, baseURL: String) async throws -> DestinationReply {
        var outbound = HTTPClientRequest(url: baseURL.trimmingSuffix("/") + request.path)
        outbound.method = HTTPMethod(rawValue: request.method)
        outbound.headers.add(name: "Content-Type", value: request.contentType)
        outbound.headers.add(name: "User-Agent", value: "civgate/1")
        for (name, value) in request.headers { outbound.headers.add(name: name, value: value) }
        outbound.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(outbound, timeout: requestTimeout)
            let body = try await response.body.collect(upTo: maxReplyBytes)
            var headers: [String: String] = [:]
            for header in response.headers { headers[header.name.lowercased()] = header.value }
            return DestinationReply(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
        } catch let error as CancellationError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    static func classify(_ error: any Error) -> Failure {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return Failure(errorClass: "timeout", detail: "connect timed out")
            case .readTimeout, .deadlineExceeded: return Failure(errorClass: "timeout", detail: "no reply in time")
            case .remoteConnectionClosed:
                return Failure(errorClass: "connection-lost", detail: "the connection closed before the reply")
            default:
                return Failure(errorClass: "transport-error", detail: "HTTP client error: \(error.shortDescription)")
            }
        }
        let text = String(describing: error)
        if text.contains("connectTimeout") { return Failure(errorClass: "timeout", detail: "connect timed out") }
        if text.lowercased().contains("refused") || text.contains("connect") {
            return Failure(errorClass: "connect-error", detail: "connection refused or unreachable")
        }
        if text.contains("reset") || text.contains("ioOnClosedChannel") || text.contains("eof") {
            return Failure(errorClass: "connection-lost", detail: "the connection was lost")
        }
        return Failure(errorClass: "transport-error", detail: String(text.prefix(200)))
    }
}

extension HTTPClientError {
    fileprivate var shortDescription: String { String(String(describing: self).prefix(120)) }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
