import Synchronization

/// A value handed from one task to another, read without waiting.
final class BenchBox<Value: Sendable>: Sendable {
    private let mutex = Mutex<Value?>(nil)

    func set(_ value: Value) { mutex.withLock { $0 = value } }

    var value: Value? { mutex.withLock { $0 } }
}
