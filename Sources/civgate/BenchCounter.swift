import Synchronization

/// Hands out indexes 0, 1, 2, … to concurrent tasks.
final class BenchCounter: Sendable {
    private let value = Atomic<Int>(0)

    func next() -> Int { value.add(1, ordering: .relaxed).oldValue }
}
