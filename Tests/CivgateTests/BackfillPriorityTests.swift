import CivgateEngine
import CivgateModel
import Foundation
import PopulationAdapter
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The backfill lane's work (batch lines, deliveries) runs at background priority (nice 10) and the live lane's does not,
/// so that live deliveries get the CPU first while a backfill runs.
@Suite("Backfill priority")
struct BackfillPriorityTests {
    /// Linux only (the nice value is per thread there), and only where nice 10 is lower than the tests'.
    static let applies = Nice.current() < 10

    @Test(
        "a backfill delivery is mapped and its reply classified on nice-10 threads, a live one's on normal ones",
        .enabled(if: applies), .timeLimit(.minutes(1)))
    func backfillDeliveryRunsAtLowPriority() async throws {
        let base = Nice.current()
        let (observed, sink) = AsyncStream.makeStream(of: Nice.Observation.self)
        let adapter = NiceRecordingAdapter(sink: sink)
        let live = try Self.sample("KS-2026-000000003")
        let backfill = try Self.sample("KS-2026-000000006")
        let seen = try await GatewayHarness.withGateway(adapter: adapter) { running in
            let gateway = running.baseURL
            let accepted = try await TestHTTP.postRecord(gateway, live, key: "live")
            #expect(accepted.status == 202)
            let batch = try await TestHTTP.request(
                .POST, gateway + "/v1/records:batch", body: backfill + Data("\n".utf8),
                headers: ["Content-Type": "application/x-ndjson"])
            #expect(batch.status == 200)
            // Each delivery's reply is classified once (no fault: one attempt each).
            var seen: [String: Nice.Observation] = [:]
            for await observation in observed {
                seen[observation.recordID] = observation
                if seen.count == 2 { break }
            }
            return seen
        }
        let liveSeen = try #require(seen["KS-2026-000000003"])
        let backfillSeen = try #require(seen["KS-2026-000000006"])
        #expect(liveSeen.prepare == base && liveSeen.classify == base)
        #expect(backfillSeen.prepare == 10 && backfillSeen.classify == 10)
    }

    @Test(
        "a batch line is planned and stored from nice-10 threads, a single record from normal ones",
        .enabled(if: applies), .timeLimit(.minutes(1)))
    func batchLinesRunAtLowPriority() async throws {
        let base = Nice.current()
        let (observed, sink) = AsyncStream.makeStream(of: Int32.self)
        let seen = try await GatewayHarness.withGateway(onAccepted: { _ in sink.yield(Nice.current()) }) { running in
            let gateway = running.baseURL
            let accepted = try await TestHTTP.postRecord(gateway, try Self.sample("KS-2026-000000003"), key: "live")
            #expect(accepted.status == 202)
            let batch = try await TestHTTP.request(
                .POST, gateway + "/v1/records:batch", body: try Self.sample("KS-2026-000000006") + Data("\n".utf8),
                headers: ["Content-Type": "application/x-ndjson"])
            #expect(batch.status == 200)
            // Each request is answered after its record was accepted: both were seen, in this order.
            sink.finish()
            return await observed.reduce(into: []) { $0.append($1) }
        }
        #expect(seen == [base, 10])
    }

    /// A sample record as one NDJSON line.
    static func sample(_ name: String) throws -> Data {
        let data = try Data(contentsOf: TestPaths.samples.appendingPathComponent("\(name).json"))
        return try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: data))
    }
}

/// The real population adapter, noting the nice value of the thread that maps each delivery and of the
/// one that classifies its reply.
struct NiceRecordingAdapter: DestinationAdapter {
    private let inner = PopulationAdapter()
    private let sink: AsyncStream<Nice.Observation>.Continuation
    /// Delivery id → nice value when it was mapped.
    private let prepared = Nice.Table()

    init(sink: AsyncStream<Nice.Observation>.Continuation) {
        self.sink = sink
    }

    var destination: String { inner.destination }
    var operations: Set<String> { inner.operations }

    func prepare(_ job: DeliveryJob) -> PreparedRequest {
        prepared.values.withLock { $0[job.deliveryID] = Nice.current() }
        return inner.prepare(job)
    }

    func classify(_ reply: DestinationReply, for job: DeliveryJob) -> DeliveryOutcome {
        let nice = Nice.current()
        let mapped = prepared.values.withLock { $0[job.deliveryID] } ?? -100
        sink.yield(Nice.Observation(recordID: job.record.source.recordId, prepare: mapped, classify: nice))
        return inner.classify(reply, for: job)
    }
}

/// The calling thread's nice value, as the kernel sees it.
enum Nice {
    struct Observation: Sendable {
        var recordID: String
        var prepare: Int32
        var classify: Int32
    }

    final class Table: Sendable {
        let values = Mutex<[String: Int32]>([:])
    }

    /// 100 where it cannot be read, so the test does not apply.
    static func current() -> Int32 {
        #if canImport(Glibc)
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            return 100
        #endif
    }
}
