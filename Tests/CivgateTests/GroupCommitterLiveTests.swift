import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CivgateEngine

/// Live writes that find backfill work queued beside them commit in a transaction of their own, so they
/// wait for none of it; the transaction after such a one runs backfill work again, so a stream of live
/// writes cannot stop a backfill. Observed on a real store, transaction by transaction.
@Suite("Store: live writes beside a backfill")
struct GroupCommitterLiveTests {
    /// Write labels, with `commit` where a transaction ended.
    final class Journal: TransactionObserver, Sendable {
        let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { add("commit") }
        func databaseDidRollback(_ db: Database) {}

        /// The labels of each committed transaction, in order.
        var transactions: [[String]] {
            entries.withLock { entries in
                entries.split(separator: "commit", omittingEmptySubsequences: false).dropLast().map(Array.init)
            }
        }
    }

    /// A group committer on a new store, with the given budgets, its commits journalled, and its writer held
    /// by a backfill line (`held`) until `release()`, so that writes queue up behind it.
    final class Stage: Sendable {
        let committer: GroupCommitter
        let journal = Journal()
        private let gate = DispatchSemaphore(value: 0)
        private let held: Task<Void, any Error>

        init(timeBudget: Duration, backfillBudgetBesideLive: Duration) async throws {
            let store = try SQLiteStore(directory: TestPaths.temporaryDirectory().path)
            let committer = GroupCommitter(
                pool: store.pool, checkpointer: store.checkpointer, syncer: store.syncer, timeBudget: timeBudget,
                backfillBudgetBesideLive: backfillBudgetBesideLive)
            let journal = journal
            try await store.pool.writeWithoutTransaction { db in
                db.add(transactionObserver: journal, extent: .databaseLifetime)
            }
            let gate = gate
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            held = Task {
                try await committer.write(priority: .backfillIngest) { _ in
                    journal.add("held")
                    startedContinuation.yield()
                    gate.wait()
                }
            }
            self.committer = committer
            for await _ in started { break }
        }

        /// Queues a write labelled `label` and returns once it is queued.
        func queue(_ priority: GroupCommitter.Priority, _ label: String) async -> Task<Void, any Error> {
            let queued = committer.queuedWrites
            let write = Task { try await self.write(priority, label) }
            while committer.queuedWrites == queued { await Task.yield() }
            return write
        }

        /// Writes one row labelled `label`.
        func write(_ priority: GroupCommitter.Priority, _ label: String) async throws {
            let journal = journal
            try await committer.write(priority: priority) { db in
                try db.execute(
                    sql: "INSERT INTO audit_log (at, actor, action, target, reason) VALUES (0, 'test', 'write', ?, '')",
                    arguments: [label])
                journal.add(label)
            }
        }

        /// Lets the held write finish, and with it the writer go on.
        func release() async throws {
            gate.signal()
            try await held.value
        }
    }

    @Test("live writes commit without the queued backfill work; the next transaction takes it")
    func liveWritesGetATransactionOfTheirOwn() async throws {
        // Budgets no pause of a loaded machine reaches: each transaction takes everything queued.
        let stage = try await Stage(timeBudget: .seconds(60), backfillBudgetBesideLive: .seconds(60))
        let committer = stage.committer
        var writes: [Task<Void, any Error>] = []
        for index in 0..<3 { writes.append(await stage.queue(.backfillIngest, "ingest-\(index)")) }
        writes.append(await stage.queue(.backfillDelivery, "delivery-0"))
        writes.append(await stage.queue(.live, "live-0"))
        // The second live write queues a third one while its own transaction runs, and waits until it
        // is queued.
        let late = Mutex<Task<Void, any Error>?>(nil)
        let lateQueued = committer.queuedWrites + 1
        writes.append(
            Task {
                try await committer.write(priority: .live) { db in
                    stage.journal.add("live-1")
                    let queued = committer.queuedWrites
                    late.withLock { $0 = Task { try await stage.write(.live, "live-2") } }
                    let deadline = ContinuousClock.now + .seconds(30)
                    while committer.queuedWrites == queued, ContinuousClock.now < deadline { usleep(1_000) }
                }
            })
        while committer.queuedWrites < lateQueued { await Task.yield() }

        try await stage.release()
        for write in writes { try await write.value }
        try await #require(late.withLock { $0 }).value

        #expect(
            stage.journal.transactions == [
                ["held"],
                ["live-0", "live-1"],
                ["live-2", "delivery-0", "ingest-0", "ingest-1", "ingest-2"],
            ])
    }

    @Test("after a live-only transaction a backfill write runs, even when the live writes used up the budget")
    func backfillKeepsMovingBesideLiveWrites() async throws {
        // No budget at all: without the rule, every transaction would end after its first write.
        let stage = try await Stage(timeBudget: .zero, backfillBudgetBesideLive: .zero)
        var writes: [Task<Void, any Error>] = []
        for (priority, label) in [
            (GroupCommitter.Priority.backfillIngest, "ingest-0"), (.backfillIngest, "ingest-1"), (.live, "live-0"),
            (.live, "live-1"),
        ] {
            writes.append(await stage.queue(priority, label))
        }
        try await stage.release()
        for write in writes { try await write.value }

        #expect(stage.journal.transactions == [["held"], ["live-0"], ["live-1", "ingest-0"], ["ingest-1"]])
    }
}
