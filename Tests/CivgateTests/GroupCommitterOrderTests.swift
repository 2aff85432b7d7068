import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CivgateEngine

/// The group committer's promises, on a real store: writes that queue up while a transaction runs are
/// written live first, then the backfill deliveries' writes, then backfill ingest lines (each queue in
/// arrival order; the live ones in a transaction of their own, `GroupCommitterLiveTests`); a write that
/// fails leaves nothing behind and does not undo the others (its transaction is written again, each
/// write in a savepoint of its own).
@Suite("Store: group commit order")
struct GroupCommitterOrderTests {
    final class Journal: Sendable {
        let labels = Mutex<[String]>([])
        func add(_ label: String) { labels.withLock { $0.append(label) } }
    }

    struct Refused: Error {}

    @Test("queued writes run live first, then backfill deliveries, then backfill ingest; a failed one is undone alone")
    func order() async throws {
        let store = try SQLiteStore(directory: TestPaths.temporaryDirectory().path)
        let committer = store.committer
        let journal = Journal()
        let gate = DispatchSemaphore(value: 0)
        // A write that holds the writer until the others have queued up behind it.
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let held = Task {
            try await committer.write(priority: .backfillIngest) { _ in
                startedContinuation.yield()
                gate.wait()
            }
        }
        for await _ in started { break }

        // Arrival order mixes the priorities; live ones arrive last.
        var arrivals: [(GroupCommitter.Priority, String)] = []
        for index in 0..<10 {
            arrivals.append((.backfillIngest, "ingest-\(index)"))
            arrivals.append((.backfillDelivery, "delivery-\(index)"))
        }
        arrivals += (0..<4).map { (.live, "live-\($0)") }
        arrivals.append((.live, "live-refused"))
        var writes: [Task<Bool, Never>] = []
        for (priority, label) in arrivals {
            writes.append(
                Task {
                    do {
                        try await committer.write(priority: priority) { db in
                            try db.execute(
                                sql: """
                                    INSERT INTO audit_log (at, actor, action, target, reason)
                                    VALUES (0, 'test', 'write', ?, '')
                                    """,
                                arguments: [label])
                            journal.add(label)
                            if label == "live-refused" { throw Refused() }
                        }
                        return true
                    } catch {
                        return false
                    }
                })
            // One at a time, so that each queue holds its writes in this order.
            while committer.queuedWrites < writes.count { await Task.yield() }
        }
        gate.signal()
        try await held.value
        var succeeded: [Bool] = []
        for write in writes { succeeded.append(await write.value) }

        let live = (0..<4).map { "live-\($0)" } + ["live-refused"]
        let expected = live + (0..<10).map { "delivery-\($0)" } + (0..<10).map { "ingest-\($0)" }
        // The live transaction ran twice: without savepoints first, rolled back when live-refused failed,
        // then with a savepoint per write (`GroupCommitter.Isolation`). On a loaded machine a transaction's
        // time budget can also end it early, and what it had no time for runs in the next: each write's
        // first run is in the expected order.
        let runs = journal.labels.withLock { $0 }
        var firstRuns: [String] = []
        for label in runs where !firstRuns.contains(label) { firstRuns.append(label) }
        #expect(firstRuns == expected)
        #expect(runs.filter { $0 == "live-refused" }.count >= 2)
        #expect(succeeded.filter { !$0 }.count == 1)
        let written = try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT target FROM audit_log WHERE actor = 'test' ORDER BY id")
        }
        #expect(written == expected.filter { $0 != "live-refused" })
    }
}
