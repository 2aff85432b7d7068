import CivgateEngine
import Foundation
import GRDB
import Testing

/// `civgate backfill FILE --direct`, the real binary: interrupted after its first checkpoint, it stops
/// between chunks with exit code 130; run again, it resumes from the checkpoint, and the store ends with
/// every record exactly once. The first run reads a named pipe, so it cannot finish before the interrupt.
@Suite("Backfill CLI")
struct BackfillCLITests {
    @Test("an interrupted backfill resumes from its checkpoint: every line stored once, none twice")
    func interruptAndResume() async throws {
        let (dataDirectory, config, input) = try Self.stage("civgate-backfill-cli", input: "books.ndjson")
        let lines = try RecordGenerator.lines(count: 6000, seed: 23, mix: "historical")
        let ndjson = { (part: ArraySlice<Data>) in Data(part.joined(separator: Data("\n".utf8)) + Data("\n".utf8)) }
        let checkpoint = input.path + ".checkpoint"
        let database = dataDirectory.appendingPathComponent("civgate.sqlite").path
        let arguments = [
            "backfill", input.path, "--direct", "--config", config.path, "--chunk", "20", "--parallel", "1",
            "--quiet", "--json",
        ]

        let first = try RunningProcess(arguments)
        // The first half goes in; the checkpoint appears once a chunk of it is acknowledged; then the
        // interrupt, and the input ends only once the backfill said it saw it: it stops between chunks,
        // half-way.
        let pipe = try await Self.writingEnd(of: input, readBy: first)
        let firstHalf = ndjson(lines[..<3000])
        try await Self.offThePool { try pipe.write(contentsOf: firstHalf) }
        try await waitUntil(timeout: .seconds(60), "the first checkpoint") {
            FileManager.default.fileExists(atPath: checkpoint) || !first.process.isRunning
        }
        first.signal(SIGINT)
        try await waitUntil(timeout: .seconds(60), "the interrupt's notice") {
            first.stderr.contains("interrupted: stopping after the chunks in flight") || !first.process.isRunning
        }
        try pipe.close()
        #expect(try await first.exitStatus(timeout: .seconds(60)) == 130, "\(first.stderr)")
        let interrupted = try Self.summary(first.stdout)
        #expect(interrupted["outcome"] as? String == "interrupted")
        let stoppedAt = try #require(interrupted["lastLine"] as? Int)
        #expect(stoppedAt > 0 && stoppedAt < lines.count, "stopped after line \(stoppedAt)")
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        // The same input, now as a file: the second run resumes from the checkpoint.
        try FileManager.default.removeItem(at: input)
        try ndjson(lines[...]).write(to: input)

        let second = try await OperatorCLI.run(arguments, timeout: .seconds(180))
        #expect(second.status == 0, "\(second.stderr)")
        let resumed = try Self.summary(second.stdout)
        #expect(resumed["outcome"] as? String == "done")
        #expect(resumed["resumedAfterLine"] as? Int == stoppedAt)
        // Only the lines after the checkpoint are read again; any stored before the interrupt but after
        // the checkpoint answer "duplicate".
        #expect(resumed["linesRead"] as? Int == lines.count - stoppedAt)
        let accepted = try #require(resumed["accepted"] as? Int)
        let duplicate = try #require(resumed["duplicate"] as? Int)
        #expect(accepted + duplicate == lines.count - stoppedAt)
        #expect(resumed["rejected"] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: checkpoint), "the checkpoint is removed when done")

        let queue = try DatabaseQueue(path: database)
        let (records, distinct, backfill) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") ?? 0,
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM (SELECT DISTINCT source_system, source_record_id, source_version FROM records)
                        """) ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE lane = 'backfill'") ?? 0
            )
        }
        #expect(records == lines.count)
        #expect(distinct == lines.count)
        #expect(backfill == lines.count)
    }

    @Test("a slow producer's lines are stored and checkpointed as they come, not once a chunk's worth has gathered")
    func slowProducer() async throws {
        let station = try await Station.start("civgate-backfill-slow")
        let lines = try RecordGenerator.lines(count: 5, seed: 29, mix: "historical")
        let all = Data(lines.joined(separator: Data("\n".utf8)) + Data("\n".utf8))
        // Four lines and half of the fifth; the input stays open, far from a chunk of 1,000 lines.
        let fourAndAHalf = Data(lines[..<4].joined(separator: Data("\n".utf8))) + Data("\n".utf8) + lines[4].prefix(40)
        try await station.write(fourAndAHalf)
        let checkpointLine = {
            (try? Data(contentsOf: URL(fileURLWithPath: station.input.path + ".checkpoint")))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["line"] as? Int
        }
        // Stored and checkpointed while the producer writes nothing (the half line waits in the reader).
        try await station.waitUntil("four lines stored and checkpointed, the input still open") {
            await station.storedRecords() == 4 && checkpointLine() == 4
        }
        #expect(
            station.backfill.process.isRunning, "the backfill ended before its input did: \(station.backfill.stderr)")
        try await station.write(all.dropFirst(fourAndAHalf.count))
        try await station.waitUntil("the fifth line stored") { await station.storedRecords() == 5 }
        try station.pipe.close()
        #expect(try await station.backfill.exitStatus(timeout: .seconds(60)) == 0, "\(station.backfill.stderr)")
        let summary = try Self.summary(station.backfill.stdout)
        #expect(summary["linesRead"] as? Int == 5)
        #expect(summary["accepted"] as? Int == 5)
    }

    @Test("Ctrl-C while the producer writes nothing stops the backfill, its lines kept")
    func interruptWhileTheProducerIsIdle() async throws {
        let station = try await Station.start("civgate-backfill-idle")
        defer { try? station.pipe.close() }
        let lines = try RecordGenerator.lines(count: 2, seed: 31, mix: "historical")
        try await station.write(Data(lines.joined(separator: Data("\n".utf8)) + Data("\n".utf8)))
        try await station.waitUntil("both lines stored") { await station.storedRecords() == 2 }
        // The input stays open and idle: the backfill waits for it, and must still act on the interrupt.
        station.backfill.signal(SIGINT)
        #expect(try await station.backfill.exitStatus(timeout: .seconds(60)) == 130, "\(station.backfill.stderr)")
        let summary = try Self.summary(station.backfill.stdout)
        #expect(summary["outcome"] as? String == "interrupted")
        #expect(summary["lastLine"] as? Int == 2)
        #expect(summary["accepted"] as? Int == 2)
    }

    /// A backfill (`--direct`, chunks of 1,000 lines) reading a named pipe that the test writes to, as a
    /// digitising station would, and the store it writes.
    struct Station {
        let backfill: RunningProcess
        let pipe: FileHandle
        let input: URL
        let store: DatabaseQueue

        static func start(_ name: String) async throws -> Station {
            let (dataDirectory, config, input) = try BackfillCLITests.stage(name, input: "station.ndjson")
            let backfill = try RunningProcess([
                "backfill", input.path, "--direct", "--config", config.path, "--chunk", "1000", "--quiet", "--json",
            ])
            let pipe = try await BackfillCLITests.writingEnd(of: input, readBy: backfill)
            let store = try DatabaseQueue(path: dataDirectory.appendingPathComponent("civgate.sqlite").path)
            return Station(backfill: backfill, pipe: pipe, input: input, store: store)
        }

        func write(_ data: Data) async throws {
            try await BackfillCLITests.offThePool { [pipe] in try pipe.write(contentsOf: data) }
        }

        /// Records in the store (nil while it cannot be read, the backfill writing).
        func storedRecords() async -> Int? {
            try? await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") }
        }

        /// Waits until `condition` holds, or the backfill has ended (the test's expectations then say why).
        func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
            try await CivgateTests.waitUntil(timeout: .seconds(60), what) {
                await condition() || !backfill.process.isRunning
            }
        }
    }

    /// A store (as `civgate serve` leaves one: --direct writes to an existing store), a configuration
    /// naming it, and a named pipe called `input` for the backfill to read.
    static func stage(_ name: String, input: String) throws -> (dataDirectory: URL, config: URL, input: URL) {
        let work = TestPaths.temporaryDirectory(name)
        let dataDirectory = work.appendingPathComponent("data")
        let config = work.appendingPathComponent("civgate.yaml")
        try OperatorCLIStage.yaml(dataDir: dataDirectory.path, withInsurance: true)
            .write(to: config, atomically: true, encoding: .utf8)
        _ = try SQLiteStore(directory: dataDirectory.path)
        let pipe = work.appendingPathComponent(input)
        try #require(mkfifo(pipe.path, 0o600) == 0)
        // Should the backfill die with the pipe open, a write gets EPIPE instead of killing the test process.
        signal(SIGPIPE, SIG_IGN)
        return (dataDirectory, config, pipe)
    }

    /// Opens the writing end of the named pipe `input` once `process` has opened it to read. A
    /// non-blocking open fails until then, so a process that dies first fails the test instead of hanging
    /// it; the writes then block, as they would on a pipe opened the usual way.
    static func writingEnd(of input: URL, readBy process: RunningProcess) async throws -> FileHandle {
        var descriptor: Int32 = -1
        try await waitUntil(timeout: .seconds(60), "the backfill to open its input") {
            descriptor = open(input.path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            return descriptor >= 0 || !process.process.isRunning
        }
        try #require(descriptor >= 0, "the backfill ended before it opened its input: \(process.stderr)")
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Runs `work`, which blocks (on the pipe), on a thread outside the cooperative pool.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func summary(_ stdout: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(stdout)")
    }
}
