import AsyncHTTPClient
import Foundation

/// Empties the mocks' memory (`POST /_mock/reset`) every few seconds while deliveries run: the mocks
/// keep every request they received for contract tests, which a benchmark of a million deliveries would
/// turn into gigabytes. No fault is injected, so nothing is retried and no reply by key is needed again.
final class BenchMockJanitor: Sendable {
    private let task: Task<Void, Never>

    init(client: HTTPClient, mocks: [String], every interval: Duration = .seconds(2)) {
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                for base in mocks { await Self.reset(client: client, base: base) }
            }
        }
    }

    static func reset(client: HTTPClient, base: String) async {
        var request = HTTPClientRequest(url: base + "/_mock/reset")
        request.method = .POST
        _ = try? await client.execute(request, timeout: .seconds(10))
    }

    func stop() { task.cancel() }
}
