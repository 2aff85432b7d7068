import Dispatch
import GRDB
import Synchronization

/// Runs many small writes in one transaction: one fsync for a batch instead of one per request.
///
/// Writes queue up while a transaction is being written; the next transaction takes them (all of them,
/// unless live and backfill writes wait together or a budget runs out, below). One failing write does
/// not undo the others: the transaction is undone and written again with each write in a savepoint of
/// its own (`Isolation`), and each caller is
/// answered only after the commit that holds its write is on disk (`LogSyncer`, which syncs the log
/// while the next transaction is written) — or, for the dispatcher's claims and results, once every
/// earlier commit that must be is (`Durability.earlierCommits`).
///
/// Live work goes first: a transaction takes the queued live writes, then backfill deliveries' writes
/// (claims, results), then backfill ingest lines — so deliveries keep pace with a bulk load instead of
/// waiting behind thousands of its lines — and
/// stops taking writes once it has run for `timeBudget`, so a live write never waits behind more than
/// one short transaction of backfill lines (written twice when a write in it failed, `Isolation`). While
/// live writes keep coming, backfill writes get an even shorter budget (`backfillBudgetBesideLive`).
///
/// Live writes that find backfill work queued beside them get a transaction of their own: no backfill
/// work is written in it, so its commit is short (its sync still follows any sync in progress, and covers
/// whatever else has committed by the time it starts). The transaction after such a one takes backfill
/// work even if live writes are queued again, and runs at least one backfill write whatever its budgets,
/// so a stream of live writes slows a backfill down but cannot stop it.
///
/// The loop that takes the queue and writes runs on a thread of its own, not in the cooperative pool:
/// when ingest tasks fill the pool, a loop there waited behind them between transactions, and the
/// writer sat idle half of the time.
final class GroupCommitter: Sendable {
    private struct Job: Sendable {
        /// Runs the write; returns the callback that answers the caller once the commit is durable. Throws
        /// `WriteFailed` only when not `.savepoint` (the transaction must then be written again).
        let run: @Sendable (Database, Isolation) throws -> LogSyncer.Answer
        let fail: @Sendable (any Error) -> Void
        let durability: Durability
        let isLive: Bool
    }

    /// How the writes of one transaction are kept apart.
    ///
    /// A savepoint per write costs the writer about a tenth of its work (SQLite copies every page a write
    /// touches to its statement journal first; `civgate bench`, storage and batch phases), and writes
    /// almost never fail, so a transaction is first written without them. If a write fails, that
    /// transaction is rolled back and written again `.savepoint`, where the failed write is undone alone
    /// and its caller gets its error. A write may therefore run more than once (a write that a budget left
    /// for the next transaction can meet another failure): it must do database work only.
    ///
    /// An error after which SQLite has rolled the whole transaction back itself (a full disk, an I/O
    /// error) fails every write of the transaction with that error: there is nothing left to retry in.
    enum Isolation: Sendable {
        case none
        case savepoint
    }

    /// A write failed in a transaction written without savepoints.
    private struct WriteFailed: Error {}

    /// Which commit must be on disk before a write's caller is answered.
    enum Durability: Sendable {
        /// The write's own: what the caller was told survives a power cut (a 202, an operator's action).
        case ownCommit
        /// The last one that held an `ownCommit` write it may read (`SyncNeeds`). For writes whose
        /// loss in a power cut only makes work happen again under the same idempotency keys: the
        /// dispatcher's claims and results (a lost claim is claimed again, a lost result's attempt is
        /// repeated). The records and deliveries they send are on disk before anything is sent, and
        /// the writer still syncs the log after them.
        case earlierCommits
    }

    /// Who waits for a write, most urgent first.
    enum Priority: Int, CaseIterable, Sendable {
        case live
        /// The dispatcher's writes for the backfill lane.
        case backfillDelivery
        /// Batch (backfill) ingest lines.
        case backfillIngest
    }

    private struct Queues {
        /// One queue per priority, in `Priority` order.
        var waiting: [[Job]] = Priority.allCases.map { _ in [] }
        var draining = false
        /// When the last live write was queued.
        var lastLive = ContinuousClock.now - .seconds(3600)
        /// Whether the last transaction took live writes only and left backfill writes queued.
        var lastWasLiveOnly = false
    }

    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer
    private let syncer: LogSyncer
    private let queues = Mutex(Queues())
    /// Transactions committed so far, and which of them each answer needs on disk (touched only by the
    /// writer's thread; behind a lock only because the type is `Sendable`).
    private let transactions = Atomic<Int>(0)
    private let syncNeeds = Mutex(SyncNeeds())
    /// The writer connection's `PRAGMA data_version` in its last committed transaction: it changes when
    /// another connection commits.
    private let dataVersion = Atomic<Int>(-1)
    private let thread = DispatchQueue(label: "civgate.group-commit")
    /// The most writes one transaction takes.
    private let maxBatch = 512
    /// How long one transaction keeps taking writes: bounds what a newly arrived live write waits for.
    private let timeBudget: Duration
    /// How long a transaction keeps taking backfill writes when live writes arrived within the last second.
    private let backfillBudgetBesideLive: Duration

    /// Only tests set other budgets: long ones to see whole transactions on a loaded machine, none to see
    /// the least a transaction does.
    init(
        pool: DatabasePool, checkpointer: WALCheckpointer, syncer: LogSyncer, timeBudget: Duration = .milliseconds(8),
        backfillBudgetBesideLive: Duration = .milliseconds(2)
    ) {
        self.pool = pool
        self.checkpointer = checkpointer
        self.syncer = syncer
        self.timeBudget = timeBudget
        self.backfillBudgetBesideLive = backfillBudgetBesideLive
    }

    /// How many writes wait for a transaction.
    var queuedWrites: Int {
        queues.withLock { queues in queues.waiting.reduce(0) { $0 + $1.count } }
    }

    /// Runs `work` inside the next group transaction and returns its value once the commit that
    /// `durability` names is durable. `work` may run more than once (`Isolation`): database work only.
    func write<T: Sendable>(
        priority: Priority = .live, durability: Durability = .ownCommit,
        _ work: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        // After a failed sync nothing written can be promised to be on disk (see `LogSyncer`).
        if let failure = syncer.failure { throw failure }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db, isolation in
                    let result: T
                    do {
                        result = try isolation == .none ? work(db) : Self.inSavepoint(db, work)
                    } catch {
                        // SQLite rolled the transaction back itself: every write of it fails with this error.
                        if !db.isInsideTransaction { throw error }
                        // Without a savepoint its partial writes can only be undone with the whole transaction.
                        if isolation == .none { throw WriteFailed() }
                        return { _ in continuation.resume(throwing: error) }
                    }
                    return { syncFailure in
                        if let syncFailure {
                            continuation.resume(throwing: syncFailure)
                        } else {
                            continuation.resume(returning: result)
                        }
                    }
                },
                fail: { continuation.resume(throwing: $0) }, durability: durability, isLive: priority == .live)
            let startDrain = queues.withLock { queues in
                queues.waiting[priority.rawValue].append(job)
                if priority == .live { queues.lastLive = .now }
                defer { queues.draining = true }
                return !queues.draining
            }
            if startDrain { thread.async { self.drain() } }
        }
    }

    /// `work` in a savepoint of its own, with cached statements (`Database.inSavepoint` compiles its
    /// three statements on every call, and this runs for every write).
    private static func inSavepoint<T>(_ db: Database, _ work: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT job").execute()
        do {
            let value = try work(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            return value
        } catch {
            // No savepoint is left to roll back to when SQLite rolled the whole transaction back.
            guard db.isInsideTransaction else { throw error }
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT job").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            throw error
        }
    }

    /// Writes transactions until every queue is empty.
    private func drain() {
        while let (batch, counts, liveActive, backfillDue) = takeBatch() {
            // Between two transactions: the only moment the writer can let the log start again.
            checkpointer.restartLogIfDue(on: pool)
            let liveCount = counts[Priority.live.rawValue]
            let backfillBudget = liveActive ? backfillBudgetBesideLive : timeBudget
            do {
                let write = { isolation in
                    try self.writeTransaction(
                        batch, liveCount: liveCount, backfillDue: backfillDue, backfillBudget: backfillBudget,
                        isolation: isolation)
                }
                let written: (answers: [LogSyncer.Answer], dataVersion: Int)
                do {
                    written = try write(.none)
                } catch is WriteFailed {
                    // Rolled back: written again, so that the failed write is undone alone.
                    written = try write(.savepoint)
                }
                let (answers, version) = written
                // Another connection committed since this writer's last transaction: nobody here synced that.
                let othersCommitted = dataVersion.exchange(version, ordering: .relaxed) != version
                let transaction = transactions.add(1, ordering: .relaxed).newValue
                syncer.committed(
                    transaction,
                    answers: waiting(batch, answers, transaction: transaction, othersCommitted: othersCommitted))
                // What this transaction had no time for goes back to the front of its queue.
                queues.withLock { queues in
                    var start = 0
                    for (index, count) in counts.enumerated() {
                        let left = batch[max(answers.count, start)..<max(answers.count, start + count)]
                        queues.waiting[index].insert(contentsOf: left, at: 0)
                        start += count
                    }
                }
            } catch {
                for job in batch { job.fail(error) }
            }
        }
    }

    /// Writes the first jobs of `batch`, as many as the budgets allow, in one transaction; returns their
    /// answers and the connection's `PRAGMA data_version` in it (it changes when another connection commits).
    private func writeTransaction(
        _ batch: [Job], liveCount: Int, backfillDue: Bool, backfillBudget: Duration, isolation: Isolation
    ) throws -> (answers: [LogSyncer.Answer], dataVersion: Int) {
        try pool.write { db in
            let clock = ContinuousClock()
            let start = clock.now
            let version = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
            var answers: [LogSyncer.Answer] = []
            for job in batch {
                answers.append(try job.run(db, isolation))
                // After a live-only transaction, one backfill write at least, however long the live ones took.
                if backfillDue && answers.count <= liveCount { continue }
                if clock.now - start > (answers.count < liveCount ? timeBudget : backfillBudget) { break }
            }
            return (answers, version)
        }
    }

    /// Pairs each answer of `transaction`, just committed (the first `answers.count` jobs of `batch`), with
    /// the transaction that must be on disk before it is given.
    private func waiting(
        _ batch: [Job], _ answers: [LogSyncer.Answer], transaction: Int, othersCommitted: Bool
    ) -> [LogSyncer.Waiting] {
        let writes = batch.prefix(answers.count).lazy.map {
            SyncNeeds.Write(durability: $0.durability, isLive: $0.isLive)
        }
        let needs = syncNeeds.withLock { $0.needs(of: writes, in: transaction, othersCommitted: othersCommitted) }
        return zip(needs, answers).map { LogSyncer.Waiting(needs: $0, answer: $1) }
    }

    /// The next transaction's jobs, most urgent first, with how many came from each queue; nil (and
    /// draining ends) when nothing is queued.
    /// `backfillDue`: the last transaction was live-only, so this one must run a backfill write.
    private func takeBatch() -> (batch: [Job], counts: [Int], liveActive: Bool, backfillDue: Bool)? {
        queues.withLock { queues in
            guard queues.waiting.contains(where: { !$0.isEmpty }) else {
                queues.draining = false
                return nil
            }
            let live = Priority.live.rawValue
            let backfillQueued = queues.waiting.indices.contains { $0 != live && !queues.waiting[$0].isEmpty }
            let liveOnly = !queues.waiting[live].isEmpty && backfillQueued && !queues.lastWasLiveOnly
            let backfillDue = backfillQueued && queues.lastWasLiveOnly
            queues.lastWasLiveOnly = liveOnly
            var batch: [Job] = []
            var counts: [Int] = []
            for index in queues.waiting.indices {
                // Live writes leave a backfill write room when one is due.
                let room = index == live && backfillDue ? maxBatch - 1 : maxBatch - batch.count
                let count = liveOnly && index != live ? 0 : min(queues.waiting[index].count, room)
                batch += queues.waiting[index].prefix(count)
                queues.waiting[index].removeFirst(count)
                counts.append(count)
            }
            return (batch, counts, ContinuousClock.now - queues.lastLive < .seconds(1), backfillDue)
        }
    }
}
