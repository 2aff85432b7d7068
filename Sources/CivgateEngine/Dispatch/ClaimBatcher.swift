import Synchronization

/// Claims for the idle workers of one destination and lane together: one transaction leases a delivery
/// for every worker that asked while the previous claim ran, instead of one transaction per worker.
///
/// Never more is claimed than there are workers asking, so nothing claimed waits unprocessed while its
/// lease runs. The claim itself runs in the task of one of the asking workers (the leader), so it stays
/// inside the dispatcher's task group and finishes before shutdown releases the leases.
final class ClaimBatcher: Sendable {
    /// What an asking worker is told when it is resumed.
    private enum Turn {
        case claimed(ClaimedDelivery?)
        case failed(any Error)
        /// No claim is running: this worker runs the next one.
        case lead
    }

    private struct State {
        var claiming = false
        var waiting: [CheckedContinuation<Turn, Never>] = []
    }

    private let state = Mutex(State())
    private let claim: @Sendable (_ limit: Int) async throws -> [ClaimedDelivery]

    /// - Parameter claim: leases up to `limit` due deliveries.
    init(claim: @escaping @Sendable (_ limit: Int) async throws -> [ClaimedDelivery]) {
        self.claim = claim
    }

    /// A delivery leased for this worker, or `nil` when none is due.
    func next() async throws -> ClaimedDelivery? {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leads = state.withLock { state -> Bool in
                if state.claiming {
                    state.waiting.append(continuation)
                    return false
                }
                state.claiming = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .claimed(let delivery): return delivery
        case .failed(let error): throw error
        case .lead: return try await lead()
        }
    }

    /// Claims for this worker and every worker waiting now; hands the lead to one that came meanwhile.
    private func lead() async throws -> ClaimedDelivery? {
        let followers = state.withLock { state in
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        let result: Result<[ClaimedDelivery], any Error>
        do {
            result = .success(try await claim(followers.count + 1))
        } catch {
            result = .failure(error)
        }
        let nextLeader = state.withLock { state -> CheckedContinuation<Turn, Never>? in
            if state.waiting.isEmpty {
                state.claiming = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        switch result {
        case .success(let claimed):
            for (index, follower) in followers.enumerated() {
                follower.resume(returning: .claimed(index + 1 < claimed.count ? claimed[index + 1] : nil))
            }
        case .failure(let error):
            for follower in followers { follower.resume(returning: .failed(error)) }
        }
        nextLeader?.resume(returning: .lead)
        return try result.get().first
    }
}
