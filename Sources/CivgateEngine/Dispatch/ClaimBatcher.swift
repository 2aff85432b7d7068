import Synchronization

/// Claims for the idle workers of one destination and lane together: one transaction records the
/// attempts those workers just finished and leases a delivery for each of them, instead of one
/// transaction per claim and one per completion.
///
/// Never more is claimed than there are workers asking, so nothing claimed waits unprocessed while its
/// lease runs. The transaction runs in the task of one of the asking workers (the leader), so it stays
/// inside the dispatcher's task group and finishes before shutdown releases the leases.
final class ClaimBatcher: Sendable {
    /// What one worker gets from a round.
    struct Turn: Sendable {
        /// The delivery leased to this worker; `nil` when none is due.
        var delivery: ClaimedDelivery?
        /// Destinations whose workers should look for work (deliveries the completions released).
        var released: Set<String> = []
    }

    /// How an asking worker is resumed.
    private enum Answer {
        case claimed(Turn)
        case failed(any Error)
        /// No round is running: this worker runs the next one.
        case lead
    }

    private struct Asking {
        var continuation: CheckedContinuation<Answer, Never>
        var completion: DeliveryCompletion?
    }

    private struct State {
        var claiming = false
        var asking: [Asking] = []
    }

    private let state = Mutex(State())
    private let round: @Sendable (_ completions: [DeliveryCompletion], _ limit: Int) async throws -> ClaimRound

    /// - Parameter round: records `completions`, then leases up to `limit` due deliveries, in one
    ///   transaction.
    init(round: @escaping @Sendable (_ completions: [DeliveryCompletion], _ limit: Int) async throws -> ClaimRound) {
        self.round = round
    }

    /// Records `completion` (the worker's last attempt, if any) and leases a delivery for this worker.
    /// When this throws, `completion` was not recorded either (its lease expires and the attempt is
    /// made again with the same key).
    func next(completing completion: DeliveryCompletion?) async throws -> Turn {
        let answer = await withCheckedContinuation { (continuation: CheckedContinuation<Answer, Never>) in
            let leads = state.withLock { state -> Bool in
                if state.claiming {
                    state.asking.append(Asking(continuation: continuation, completion: completion))
                    return false
                }
                state.claiming = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch answer {
        case .claimed(let turn): return turn
        case .failed(let error): throw error
        case .lead: return try await lead(completing: completion)
        }
    }

    /// Runs a round for this worker and every worker asking now; hands the lead to one that came meanwhile.
    private func lead(completing completion: DeliveryCompletion?) async throws -> Turn {
        let followers = state.withLock { state in
            defer { state.asking.removeAll() }
            return state.asking
        }
        let completions = ([completion] + followers.map(\.completion)).compactMap { $0 }
        let result: Result<ClaimRound, any Error>
        do {
            result = .success(try await round(completions, followers.count + 1))
        } catch {
            result = .failure(error)
        }
        let nextLeader = state.withLock { state -> Asking? in
            if state.asking.isEmpty {
                state.claiming = false
                return nil
            }
            return state.asking.removeFirst()
        }
        switch result {
        case .success(let round):
            for (index, follower) in followers.enumerated() {
                let delivery = index + 1 < round.claimed.count ? round.claimed[index + 1] : nil
                follower.continuation.resume(returning: .claimed(Turn(delivery: delivery)))
            }
        case .failure(let error):
            for follower in followers { follower.continuation.resume(returning: .failed(error)) }
        }
        nextLeader?.continuation.resume(returning: .lead)
        let round = try result.get()
        return Turn(delivery: round.claimed.first, released: round.released)
    }
}
