import Dispatch
import Foundation
import Synchronization
import Testing

@testable import CivgateEngine

/// The backfill intake's thread budget: every thread with no live traffic, half of them (at least one)
/// while live records arrive.
@Suite struct LowPriorityWorkersBudgetTests {
    /// Runs job A and, once A has started, queues job B; A runs `whileRunning` (told when B starts) and
    /// returns its value. Also checks that B runs at last.
    private static func pair(
        on workers: LowPriorityWorkers, whileRunning: @escaping @Sendable (DispatchSemaphore) -> Bool
    ) async -> Bool {
        let bStarted = DispatchSemaphore(value: 0)
        let (started, startedSink) = AsyncStream.makeStream(of: Void.self)
        async let aSaw = workers.run {
            startedSink.yield()
            return whileRunning(bStarted)
        }
        for await _ in started { break }
        async let bRan = workers.run {
            bStarted.signal()
            return true
        }
        let (saw, ran) = await (aSaw, bRan)
        #expect(ran)
        return saw
    }

    /// Signals `paused` when a thread pauses with work queued while job A runs, that is, with B queued
    /// (a pause seen when A itself was queued does not count).
    private final class PauseWatch: Sendable {
        let paused = DispatchSemaphore(value: 0)
        private let aRuns = Atomic<Bool>(false)

        func aStarted() { aRuns.store(true, ordering: .releasing) }

        func threadPaused() {
            if aRuns.load(ordering: .acquiring) { paused.signal() }
        }
    }

    /// Waits for `semaphore`; generous, since a test that passes never waits this long.
    private static func waits(for semaphore: DispatchSemaphore) -> Bool {
        semaphore.wait(timeout: .now() + 30) == .success
    }

    @Test func withNoLiveRecordBothThreadsTakeWork() async {
        let workers = LowPriorityWorkers(threads: 2)
        #expect(await Self.pair(on: workers) { bStarted in Self.waits(for: bStarted) })
    }

    @Test func besideLiveRecordsOneThreadOfTwoTakesWork() async {
        let watch = PauseWatch()
        let workers = LowPriorityWorkers(threads: 2, liveWindow: .seconds(600)) { watch.threadPaused() }
        workers.liveArrived()
        #expect(workers.liveIsActive)
        // The other thread has seen B queued and paused instead of taking it.
        let bWaited = await Self.pair(on: workers) { bStarted in
            watch.aStarted()
            return Self.waits(for: watch.paused) && bStarted.wait(timeout: .now()) == .timedOut
        }
        #expect(bWaited)
    }

    @Test func aPausedThreadTakesWorkOnceTheLiveWindowEnds() async {
        let watch = PauseWatch()
        let workers = LowPriorityWorkers(threads: 2, liveWindow: .seconds(600)) { watch.threadPaused() }
        workers.liveArrived()
        // Nothing wakes the paused thread when the window ends: it has to look again by itself.
        let bStartedBeside = await Self.pair(on: workers) { bStarted in
            watch.aStarted()
            guard Self.waits(for: watch.paused) else { return false }
            workers.endLiveWindow()
            return Self.waits(for: bStarted)
        }
        #expect(bStartedBeside)
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
