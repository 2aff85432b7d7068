import CivgateModel
import Foundation
import GRDB
import Logging
import Testing

@testable import CivgateEngine

/// The hand-over between the `WALCheckpointer` and the writer, stepped through pass by pass: the
/// checkpointer's passes run only when the test asks, so each state is reached on purpose. The log's
/// restarts are read from its file: its header counts them (the checkpoint sequence number).
@Suite("Store: the log's hand-over to the writer")
struct StoreLogHandoverTests {
    /// Restart threshold of the stores here: forced hand-over at 900 pages, SQLite's backstop at 1,200.
    static let restartPages = 600

    @Test("a log the passes caught up with goes to the writer, whose next transaction starts it again")
    func writerRestartsTheLogAfterHandover() async throws {
        let log = try LogUnderTest()
        try await log.grow(toPages: Self.restartPages)
        // A reader on this snapshot keeps the passes from copying what is written after it.
        var snapshot: DatabaseSnapshot? = try log.store.pool.makeSnapshot()
        try await log.write(records: 3)
        log.store.checkpointer.pass()
        #expect(!log.store.checkpointer.writerIsDue, "the pass copied more than the hand-over size")
        snapshot = nil
        let sequence = try log.restartCount()
        try await log.write(records: 1)
        // Frames the passes have not copied keep SQLite from starting the log again by itself.
        #expect(try log.restartCount() == sequence)

        snapshot = try log.store.pool.makeSnapshot()
        try await log.write(records: 1)
        log.store.checkpointer.pass()
        #expect(log.store.checkpointer.writerIsDue, "the pass copied a few records' pages: the writer finishes")
        _ = snapshot
        snapshot = nil
        try await log.write(records: 1)
        #expect(try log.restartCount() == sequence &+ 1, "the writer copied the rest and started the log again")
        #expect(!log.store.checkpointer.writerIsDue, "the turn is the checkpointer's again")
    }

    @Test("a log at one and a half times the threshold goes to the writer even when the pass copied a lot")
    func largeLogIsHandedOverAtOnce() async throws {
        let log = try LogUnderTest()
        try await log.grow(toPages: Self.restartPages * 3 / 2)
        // The pass copies up to this snapshot (far more than the hand-over size), not the records after it.
        var snapshot: DatabaseSnapshot? = try log.store.pool.makeSnapshot()
        try await log.write(records: 3)
        #expect(try log.pages() < Self.restartPages * 2, "SQLite's own checkpoint would have run")
        log.store.checkpointer.pass()
        #expect(log.store.checkpointer.writerIsDue)
        _ = snapshot
        snapshot = nil
        let sequence = try log.restartCount()
        try await log.write(records: 1)
        #expect(try log.restartCount() == sequence &+ 1, "the writer copied the rest and started the log again")
    }
}

/// A store whose checkpointer runs no pass by itself, and its log file.
private final class LogUnderTest {
    let store: SQLiteStore
    let ingest: IngestService
    let intake: RecordIntake
    let lines: [Data]
    private var next = 0

    init() throws {
        store = try SQLiteStore(
            directory: TestPaths.temporaryDirectory().path, busyTimeout: .seconds(5),
            logRestartPages: StoreLogHandoverTests.restartPages, preallocateLog: false, checkpointInterval: nil)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        intake = try TestIntake.make()
        ingest = IngestService(store: store, intake: intake, configuration: GatewayConfiguration(), logger: logger)
        lines = try RecordGenerator.lines(count: 400, seed: 67, mix: "all")
    }

    /// Writes records one transaction each until the log holds at least `pages` pages.
    func grow(toPages pages: Int) async throws {
        while try self.pages() < pages { try await write(records: 1) }
    }

    func write(records: Int) async throws {
        for _ in 0..<records {
            let line = lines[next]
            next += 1
            guard case .success(let accepted) = intake.accept(line) else { throw Failure("rejected line") }
            guard await ingest.storeAccepted(accepted, key: nil, lane: .backfill) else {
                throw Failure("record not stored")
            }
        }
    }

    /// Frames in the log file; until the log first starts again, every frame written since the store opened.
    func pages() throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path + "-wal")
        let bytes = (attributes[.size] as? NSNumber)?.intValue ?? 0
        return max(0, bytes - 32) / (24 + 4096)
    }

    /// The log header's checkpoint sequence number: SQLite adds one each time the log starts again.
    func restartCount() throws -> UInt32 {
        let header = try FileHandle(forReadingFrom: URL(fileURLWithPath: store.path + "-wal")).read(upToCount: 16)
        guard let header, header.count == 16 else { throw Failure("no log header") }
        return header[12..<16].reduce(0) { $0 << 8 | UInt32($1) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
