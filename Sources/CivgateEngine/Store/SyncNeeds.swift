/// Which committed transaction must be on disk before each write of a group transaction is answered
/// (see `GroupCommitter.Durability`).
struct SyncNeeds {
    /// What the rule needs to know of a write.
    struct Write {
        let durability: GroupCommitter.Durability
        let isLive: Bool
    }

    /// The last transaction that held an `ownCommit` write, of any priority and live.
    private var lastOwnCommit = 0
    private var lastLiveOwnCommit = 0

    /// The transaction each of `writes` needs, in the order they ran in `transaction` (numbered from 1,
    /// in commit order, each once). An `earlierCommits` write may have read every `ownCommit` one before
    /// it in the same transaction, so it needs that transaction too.
    ///
    /// `othersCommitted`: another connection (another process: `civgate backfill --direct`, an operator
    /// command) committed since the last transaction; its commits are synced by nobody here, so every
    /// write of this transaction needs this transaction on disk.
    mutating func needs(of writes: some Sequence<Write>, in transaction: Int, othersCommitted: Bool = false) -> [Int] {
        if othersCommitted {
            lastOwnCommit = transaction
            lastLiveOwnCommit = transaction
        }
        var result: [Int] = []
        for write in writes {
            switch write.durability {
            case .ownCommit:
                lastOwnCommit = transaction
                if write.isLive { lastLiveOwnCommit = transaction }
                result.append(transaction)
            case .earlierCommits:
                // Backfill lines make no live deliveries: a live claim needs only live writes on disk.
                result.append(write.isLive ? lastLiveOwnCommit : lastOwnCommit)
            }
        }
        return result
    }
}
