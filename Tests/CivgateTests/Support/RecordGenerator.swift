import Foundation

/// Runs `shared/tools/gen_records.py`: deterministic synthetic records, one JSON document per line.
enum RecordGenerator {
    /// `count` records as raw JSON lines.
    static func lines(count: Int, seed: Int, mix: String = "all", start: Int = 0) throws -> [Data] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", TestPaths.generator.path, "--count", String(count), "--seed", String(seed), "--mix", mix,
            "--start", String(start),
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GeneratorFailed() }
        return output.split(separator: UInt8(ascii: "\n")).map { Data($0) }
    }

    /// Only the records of `event`, from the first `count` generated.
    static func lines(event: String, count: Int, seed: Int, mix: String = "all") throws -> [Data] {
        try lines(count: count, seed: seed, mix: mix).filter { line in
            (try? JSONSerialization.jsonObject(with: line) as? [String: Any])?["event"] as? String == event
        }
    }

    struct GeneratorFailed: Error {}
}
