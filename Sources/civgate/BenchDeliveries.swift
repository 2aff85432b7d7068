import CivgateEngine
import Foundation

/// Delivery counts from the store, and waiting until deliveries have settled.
enum BenchDeliveries {
    struct Counts: Sendable {
        var total = 0
        /// Pending, in flight or retrying: the dispatcher still has work.
        var active = 0
        var succeeded = 0
        /// Waiting on a dependency or an earlier event.
        var waiting = 0
        /// Review, needs_data, dead or discarded: a person would have to act.
        var attention = 0
    }

    static func counts(_ store: SQLiteStore, lanes: [Lane] = []) async throws -> Counts {
        func count(_ states: [DeliveryState]) async throws -> Int {
            var filter = DeliveryFilter()
            filter.states = states
            filter.lanes = lanes
            return try await store.countDeliveries(filter)
        }
        return Counts(
            total: try await count([]), active: try await count([.pending, .inFlight, .retrying]),
            succeeded: try await count([.succeeded]), waiting: try await count([.waiting]),
            attention: try await count([.review, .needsData, .dead, .discarded]))
    }

    /// Polls every `poll` until nothing in `lanes` is pending, in flight or retrying (one query, so one
    /// consistent snapshot: what still waits then waits on a failed step and will not move by itself).
    /// Returns false after `timeout`, or as soon as `stop` says so.
    static func waitUntilSettled(
        _ store: SQLiteStore, lanes: [Lane] = [], poll: Duration = .milliseconds(100), timeout: Duration,
        stop: () -> Bool = { false }
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var filter = DeliveryFilter()
        filter.states = [.pending, .inFlight, .retrying]
        filter.lanes = lanes
        while ContinuousClock.now < deadline, !stop() {
            if try await store.countDeliveries(filter) == 0 { return true }
            try await Task.sleep(for: poll)
        }
        return false
    }
}
