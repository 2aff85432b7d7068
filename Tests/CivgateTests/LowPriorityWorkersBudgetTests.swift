import Dispatch
import Foundation
import Testing

@testable import CivgateEngine

/// The backfill intake's thread budget: every thread with no live traffic, half of them (at least one)
/// for a while after a live record arrives.
@Suite struct LowPriorityWorkersBudgetTests {
    /// Runs job A, and once it has started job B; A waits up to `window` for B to start beside it and
    /// returns whether it did.
    private static func secondJobStartsBeside(on workers: LowPriorityWorkers, window: Double) async -> Bool {
        let bStarted = DispatchSemaphore(value: 0)
        let (started, startedSink) = AsyncStream.makeStream(of: Void.self)
        async let sawB = workers.run {
            startedSink.yield()
            return bStarted.wait(timeout: .now() + window) == .success
        }
        for await _ in started { break }
        async let bRan = workers.run {
            bStarted.signal()
            return true
        }
        let (seen, ran) = await (sawB, bRan)
        #expect(ran)
        return seen
    }

    @Test func withNoLiveRecordBothThreadsTakeWork() async {
        let workers = LowPriorityWorkers(threads: 2)
        // Generous: the second job only has to be picked up by the idle thread.
        #expect(await Self.secondJobStartsBeside(on: workers, window: 30))
    }

    @Test func besideLiveRecordsOneThreadOfTwoTakesWork() async {
        let workers = LowPriorityWorkers(threads: 2, liveWindow: .seconds(600))
        workers.liveArrived()
        #expect(workers.liveIsActive)
        // The second job waits for the first: the other thread is paused while live records arrive.
        #expect(await Self.secondJobStartsBeside(on: workers, window: 0.5) == false)
    }

    @Test func theLiveWindowEnds() async {
        let workers = LowPriorityWorkers(threads: 2, liveWindow: .zero)
        workers.liveArrived()
        #expect(workers.liveIsActive == false)
        #expect(await Self.secondJobStartsBeside(on: workers, window: 30))
    }

    @Test(.timeLimit(.minutes(1)))
    func aLiveRecordTellsTheBackfillIntake() async throws {
        let before = ContinuousClock.now
        let accepted = try await GatewayHarness.withGateway { running in
            try await TestHTTP.postRecord(
                running.baseURL, try BackfillPriorityTests.sample("KS-2026-000000003"), key: "budget-live")
        }
        #expect(accepted.status == 202)
        let arrival = try #require(LowPriorityWorkers.shared.lastLiveArrival)
        #expect(arrival >= before)
    }
}
