import Foundation

/// The records of a bench run: NDJSON files made by the shared generator (`gen_records.py`), one per
/// phase with its own range of record ids so no phase meets another's records; or slices of a file
/// given with `--records-file`.
struct BenchDataset {
    let directory: String
    let generator: String
    let source: String?
    /// Lines of `source` handed out so far.
    private var used = 0
    private var sourceLines: [Data]?
    private var sequence = 0

    init(directory: String, generator: String, source: String?) throws {
        self.directory = directory
        self.generator = generator
        self.source = source
        if source == nil, !FileManager.default.fileExists(atPath: generator) {
            throw CommandFailure.usage(
                "the record generator \(generator) is not there: pass --generator PATH or --records-file FILE")
        }
    }

    /// Writes `count` records of `mix` (`live`, `historical`, `all`) to a new file and returns its path.
    mutating func make(_ name: String, count: Int, mix: String) async throws -> String {
        sequence += 1
        let path = (directory as NSString).appendingPathComponent("\(name).ndjson")
        if let source {
            if sourceLines == nil { sourceLines = try Self.lines(of: source) }
            guard used + count <= sourceLines!.count else {
                throw CommandFailure.usage(
                    "--records-file \(source) has \(sourceLines!.count) lines; this run needs more")
            }
            var out = Data()
            for line in sourceLines![used..<(used + count)] {
                out.append(line)
                out.append(0x0A)
            }
            used += count
            try out.write(to: URL(fileURLWithPath: path))
            return path
        }
        // Large sets: one generator per core, then one file.
        let parts = count >= 100_000 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        let share = (count + parts - 1) / parts
        let pieces = (0..<parts).map { path + ".part\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, piece) in pieces.enumerated() {
                let (generator, seed, start) = (
                    generator, 100 + sequence * 16 + index, sequence * 10_000_000 + index * share
                )
                let size = min(share, count - index * share)
                group.addTask {
                    try Self.generate(generator: generator, count: size, mix: mix, seed: seed, start: start, to: piece)
                }
            }
            try await group.waitForAll()
        }
        if parts == 1 {
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: pieces[0], toPath: path)
            return path
        }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let output = FileHandle(forWritingAtPath: path) else {
            throw CommandFailure.runtime("cannot write \(path)")
        }
        defer { try? output.close() }
        for piece in pieces {
            guard let input = FileHandle(forReadingAtPath: piece) else {
                throw CommandFailure.runtime("cannot read \(piece)")
            }
            while let block = try input.read(upToCount: 8 << 20), !block.isEmpty { try output.write(contentsOf: block) }
            try? input.close()
            try? FileManager.default.removeItem(atPath: piece)
        }
        return path
    }

    /// Writes every file's dirty pages out now, this run's record files and whatever else is waiting (a
    /// binary just copied, say). Left to the kernel, they were written back 30 seconds later
    /// (`vm.dirty_expire_centisecs`), in the middle of a phase, and the store's log syncs queued behind that
    /// write-back: traced, 112 MB written back at once in the idle latency phase, log syncs of 48–110 ms,
    /// an idle ingest p99 of 79–189 ms instead of 3–4.
    static func writeOutPageCache() {
        sync()
    }

    /// Runs the generator with its output in `path`.
    static func generate(generator: String, count: Int, mix: String, seed: Int, start: Int, to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let output = FileHandle(forWritingAtPath: path) else {
            throw CommandFailure.runtime("cannot write \(path)")
        }
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", generator, "--count", String(count), "--mix", mix, "--seed", String(seed), "--start",
            String(start),
        ]
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw CommandFailure.runtime("cannot run python3 \(generator)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure.runtime("python3 \(generator) failed (exit \(process.terminationStatus))")
        }
    }

    /// The non-blank lines of a file.
    static func lines(of path: String) throws -> [Data] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure.usage("cannot read \(path)")
        }
        return data.split(separator: 0x0A).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }.map {
            Data($0)
        }
    }
}
