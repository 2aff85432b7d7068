import Synchronization

/// Keys whose first request is still being processed in this process: a second request with the same
/// key meanwhile gets 409 instead of racing the first.
final class IdempotencyGate: Sendable {
    private let inFlight = Mutex<Set<String>>([])

    /// Takes `key`; `false` when another request holds it.
    func enter(_ key: String) -> Bool {
        inFlight.withLock { $0.insert(key).inserted }
    }

    func leave(_ key: String) {
        _ = inFlight.withLock { $0.remove(key) }
    }
}
