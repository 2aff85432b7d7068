import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CivgateEngine

/// Live writes that find backfill work queued beside them commit in a transaction of their own, so they
/// wait for none of it; the transaction after such a one takes backfill work again, so a stream of live
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

    @Test("live writes commit without the queued backfill work; the next transaction takes it")
    func liveWritesGetATransactionOfTheirOwn() async throws {
        let store = try SQLiteStore(directory: TestPaths.temporaryDirectory().path)
        // Budgets no pause of a loaded machine reaches: each transaction takes everything queued.
        let committer = GroupCommitter(
            pool: store.pool, checkpointer: store.checkpointer, syncer: store.syncer, timeBudget: .seconds(60),
            backfillBudgetBesideLive: .seconds(60))
        let journal = Journal()
        try await store.pool.writeWithoutTransaction { db in
            db.add(transactionObserver: journal, extent: .databaseLifetime)
        }
        let write = { @Sendable (priority: GroupCommitter.Priority, label: String) in
            try await committer.write(priority: priority) { db in
                try db.execute(
                    sql: "INSERT INTO audit_log (at, actor, action, target, reason) VALUES (0, 'test', 'write', ?, '')",
                    arguments: [label])
                journal.add(label)
            }
        }
        // A backfill line holds the writer until the others have queued up behind it.
        let gate = DispatchSemaphore(value: 0)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let held = Task {
            try await committer.write(priority: .backfillIngest) { _ in
                journal.add("held")
                startedContinuation.yield()
                gate.wait()
            }
        }
        for await _ in started { break }

        var writes: [Task<Void, any Error>] = []
        let queue = { (priority: GroupCommitter.Priority, label: String) in
            writes.append(Task { try await write(priority, label) })
            while committer.queuedWrites < writes.count { await Task.yield() }
        }
        for index in 0..<3 { await queue(.backfillIngest, "ingest-\(index)") }
        await queue(.backfillDelivery, "delivery-0")
        await queue(.live, "live-0")
        // The second live write queues a third one while its own transaction runs, and waits until it
        // is queued.
        let late = Mutex<Task<Void, any Error>?>(nil)
        writes.append(
            Task {
                try await committer.write(priority: .live) { db in
                    journal.add("live-1")
                    let queued = committer.queuedWrites
                    late.withLock { $0 = Task { try await write(.live, "live-2") } }
                    let deadline = ContinuousClock.now + .seconds(30)
                    while committer.queuedWrites == queued, ContinuousClock.now < deadline { usleep(1_000) }
                }
            })
        while committer.queuedWrites < writes.count { await Task.yield() }

        gate.signal()
        try await held.value
        for write in writes { try await write.value }
        try await #require(late.withLock { $0 }).value

        #expect(
            journal.transactions == [
                ["held"],
                ["live-0", "live-1"],
                ["live-2", "delivery-0", "ingest-0", "ingest-1", "ingest-2"],
            ])
    }

    @Test("after a live-only transaction a backfill write runs, even when the live writes used up the budget")
    func backfillKeepsMovingBesideLiveWrites() async throws {
        let store = try SQLiteStore(directory: TestPaths.temporaryDirectory().path)
        // No budget at all: without the rule, every transaction would end after its first write.
        let committer = GroupCommitter(
            pool: store.pool, checkpointer: store.checkpointer, syncer: store.syncer, timeBudget: .zero,
            backfillBudgetBesideLive: .zero)
        let journal = Journal()
        try await store.pool.writeWithoutTransaction { db in
            db.add(transactionObserver: journal, extent: .databaseLifetime)
        }
        let gate = DispatchSemaphore(value: 0)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let held = Task {
            try await committer.write(priority: .backfillIngest) { _ in
                journal.add("held")
                startedContinuation.yield()
                gate.wait()
            }
        }
        for await _ in started { break }
        var writes: [Task<Void, any Error>] = []
        for (priority, label) in [
            (GroupCommitter.Priority.backfillIngest, "ingest-0"), (.backfillIngest, "ingest-1"), (.live, "live-0"),
            (.live, "live-1"),
        ] {
            writes.append(
                Task {
                    try await committer.write(priority: priority) { db in
                        try db.execute(
                            sql: """
                                INSERT INTO audit_log (at, actor, action, target, reason) VALUES (0, 'test', 'write', ?, '')
                                """,
                            arguments: [label])
                        journal.add(label)
                    }
                })
            while committer.queuedWrites < writes.count { await Task.yield() }
        }
        gate.signal()
        try await held.value
        for write in writes { try await write.value }

        #expect(journal.transactions == [["held"], ["live-0"], ["live-1", "ingest-0"], ["ingest-1"]])
    }
}
