import CivgateEngine
import Foundation
import Logging
import Testing

/// The write-ahead log stays bounded under continuous writes. Checkpoints run beside the writer (off
/// its commits); such a checkpoint never reaches the end of a log a busy writer keeps appending to, so
/// without the writer's own checkpoint the log never starts again from its beginning and grows with
/// everything ever written (8.8 GB in a million-record run). The checkpointer hands the last frames to
/// the writer near the threshold (`StoreLogHandoverTests` steps through that); when the checkpointer gets
/// too little time to (the whole suite on two cores), SQLite's automatic checkpoint in the writer's
/// commits does it at twice the threshold. A log past three times the threshold means neither worked;
/// this test cannot tell which one did (the hand-over itself is stepped through in the other suite).
@Suite("Store: the log stays bounded")
struct StoreLogBoundTests {
    @Test("3,000 records written by 64 concurrent writers leave a log under 24 MiB (3 times the restart threshold)")
    func logStaysBounded() async throws {
        let directory = TestPaths.temporaryDirectory()
        // A restart threshold of 2,000 pages (8 MiB) so that 3,000 records cross it many times.
        let store = try SQLiteStore(directory: directory.path, logRestartPages: 2000)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let intake = try TestIntake.make()
        let ingest = IngestService(
            store: store, intake: intake, configuration: GatewayConfiguration(), logger: logger)
        let lines = try RecordGenerator.lines(count: 3000, seed: 61, mix: "all")
        let stored = await withTaskGroup(of: Bool.self) { group in
            var next = 0
            var stored = 0
            func add() {
                let line = lines[next]
                next += 1
                group.addTask {
                    guard case .success(let accepted) = intake.accept(line) else { return false }
                    return await ingest.storeAccepted(accepted, key: nil, lane: .backfill)
                }
            }
            while next < min(64, lines.count) { add() }
            for await created in group {
                if created { stored += 1 }
                if next < lines.count { add() }
            }
            return stored
        }
        #expect(stored == lines.count)
        let log = try FileManager.default.attributesOfItem(atPath: store.path + "-wal")
        let logBytes = (log[.size] as? NSNumber)?.intValue ?? 0
        let database = try FileManager.default.attributesOfItem(atPath: store.path)
        let databaseBytes = (database[.size] as? NSNumber)?.intValue ?? 0
        // The log file keeps its largest size; unbounded, it would hold every page ever written.
        #expect(logBytes < 24 << 20, "log \(logBytes) bytes beside a database of \(databaseBytes) bytes")
    }
}
