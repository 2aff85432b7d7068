import Foundation
import Testing

@testable import CivgateEngine

/// Claims and results are answered once the commits they may have read are on disk, not their own
/// (`GroupCommitter.Durability`): the rule, and the log syncer that applies it, on a real log file.
@Suite("Store: what each answer waits for")
struct StoreSyncNeedsTests {
    private typealias Write = SyncNeeds.Write
    private static let ingest = Write(durability: .ownCommit, isLive: true)
    private static let backfillLine = Write(durability: .ownCommit, isLive: false)
    private static let liveClaim = Write(durability: .earlierCommits, isLive: true)
    private static let backfillClaim = Write(durability: .earlierCommits, isLive: false)

    @Test("a claim needs the last transaction with a write it may read, its own if one ran before it")
    func claimsNeedWhatTheyMayRead() {
        var rule = SyncNeeds()
        #expect(rule.needs(of: [Self.liveClaim, Self.backfillClaim], in: 1) == [0, 0])
        #expect(rule.needs(of: [Self.ingest], in: 2) == [2])
        #expect(rule.needs(of: [Self.liveClaim, Self.backfillClaim], in: 3) == [2, 2])
        // Claims do not move what later claims need.
        #expect(rule.needs(of: [Self.liveClaim], in: 4) == [2])
        // Backfill lines make no live deliveries: only backfill claims wait for them.
        #expect(rule.needs(of: [Self.backfillLine], in: 5) == [5])
        #expect(rule.needs(of: [Self.liveClaim, Self.backfillClaim], in: 6) == [2, 5])
        // In one transaction, a claim after an ingest may have read it; one before it cannot have.
        #expect(
            rule.needs(of: [Self.liveClaim, Self.ingest, Self.liveClaim, Self.backfillClaim], in: 7) == [2, 7, 7, 7])
        #expect(rule.needs(of: [Self.backfillClaim, Self.backfillLine, Self.backfillClaim], in: 8) == [7, 8, 8])
        #expect(rule.needs(of: [Self.liveClaim], in: 9) == [7])
        // Another process committed (nobody here syncs it): this transaction, and the next claims, need it.
        #expect(rule.needs(of: [Self.liveClaim, Self.backfillClaim], in: 10, othersCommitted: true) == [10, 10])
        #expect(rule.needs(of: [Self.liveClaim], in: 11) == [10])
    }

    @Test("the log is synced at open; an answer is given when what it needs is on disk, after a later sync if not")
    func syncerAnswersWhenItsTransactionIsOnDisk() async throws {
        let log = TestPaths.temporaryDirectory().appendingPathComponent("log")
        try Data("frames".utf8).write(to: log)
        let syncer = try LogSyncer(logPath: log.path)
        // What a killed process committed and never synced is on disk before anything here counts as synced.
        #expect(syncer.completedSyncs == 1)
        // Its own transaction: only after a sync, which started after this call (only the one at open ran before).
        let first = await Answers.wait { syncer.committed(1, answers: [$0.waiting(needs: 1, syncer)]) }
        #expect(first.syncsSeen == [2])
        // Transaction 1 is on disk now, and no sync runs: of three answers of transaction 2, those that need
        // nothing or transaction 1 are given within the call, the one that needs transaction 2 after a sync.
        let mixed = await Answers.wait {
            syncer.committed(
                2, answers: [$0.waiting(needs: 0, syncer), $0.waiting(needs: 1, syncer), $0.waiting(needs: 2, syncer)])
        }
        #expect(mixed.syncsSeen.sorted() == [2, 2, 3])
    }

    /// Answers given, each with how many syncs had finished when it was given.
    private final class Answers: @unchecked Sendable {
        // @unchecked: `lock` guards `seen` and `done`.
        private let lock = NSLock()
        private var seen: [Int] = []
        private var done: CheckedContinuation<Void, Never>?
        private var expected = 0

        var syncsSeen: [Int] { lock.withLock { seen } }

        func waiting(needs: Int, _ syncer: LogSyncer) -> LogSyncer.Waiting {
            lock.withLock { expected += 1 }
            return LogSyncer.Waiting(needs: needs) { [self] error in
                #expect(error == nil)
                let resume = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                    seen.append(syncer.completedSyncs)
                    guard seen.count == expected else { return nil }
                    defer { done = nil }
                    return done
                }
                resume?.resume()
            }
        }

        /// Runs `commit` and returns once every answer it registered was given.
        static func wait(_ commit: (Answers) -> Void) async -> Answers {
            let answers = Answers()
            await withCheckedContinuation { continuation in
                answers.lock.withLock { answers.done = continuation }
                commit(answers)
            }
            return answers
        }
    }
}
