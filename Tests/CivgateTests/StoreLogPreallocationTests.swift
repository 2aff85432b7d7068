import CivgateEngine
import Foundation
import GRDB
import Logging
import Testing

/// A store opened for heavy writing first writes its log file out to its working size, so commits do not
/// grow it; the zeros past the last frame change nothing SQLite reads back, even when it rebuilds its
/// index of the log from the file (as after a crash).
@Suite("Store: a preallocated log")
struct StoreLogPreallocationTests {
    @Test("the log is written out to its working size, commits stay within it, records read back from a copy")
    func preallocatedLogHoldsCommits() async throws {
        let directory = TestPaths.temporaryDirectory()
        // 1,000 pages: 1,250 frames of 4,120 bytes after a 32-byte header.
        let store = try SQLiteStore(directory: directory.path, logRestartPages: 1000, preallocateLog: true)
        let preallocated = try Self.size(of: store.path + "-wal")
        #expect(preallocated >= 32 + 1250 * 4120)

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let intake = try TestIntake.make()
        let ingest = IngestService(store: store, intake: intake, configuration: GatewayConfiguration(), logger: logger)
        var stored = 0
        for line in try RecordGenerator.lines(count: 30, seed: 71, mix: "all") {
            guard case .success(let accepted) = intake.accept(line) else { continue }
            if await ingest.storeAccepted(accepted, key: nil, lane: .backfill) { stored += 1 }
        }
        #expect(stored == 30)
        let after = try Self.size(of: store.path + "-wal")
        #expect(after == preallocated, "a commit grew the log file: \(preallocated) -> \(after)")

        // Copies of the database and its log without the shared-memory index: SQLite must rebuild the index
        // from the log file, reading frames until the first invalid one (the zeros).
        let copy = TestPaths.temporaryDirectory()
        let copiedPath = copy.appendingPathComponent("civgate.sqlite").path
        try FileManager.default.copyItem(atPath: store.path, toPath: copiedPath)
        try FileManager.default.copyItem(atPath: store.path + "-wal", toPath: copiedPath + "-wal")
        let reader = try DatabaseQueue(path: copiedPath)
        let records = try await reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") }
        #expect(records == 30)
        let integrity = try await reader.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }

    private static func size(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}
