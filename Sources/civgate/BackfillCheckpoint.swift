import Foundation

/// Where a backfill got to: every line up to `line` (ending at byte `offset`) was acknowledged.
///
/// Written after each acknowledged chunk (atomically: a temporary file renamed over the old one) and
/// deleted when the input is done. Losing it costs only time: lines sent again answer `duplicate`.
struct BackfillCheckpoint: Codable, Sendable {
    /// Format version.
    var version = 1
    /// The input's absolute path, to refuse a checkpoint of another file.
    var input: String
    /// Bytes of the input acknowledged.
    var offset: UInt64
    /// Physical lines acknowledged.
    var line: Int
    /// Counts since the input's first line, across every resumed run.
    var accepted = 0
    var duplicate = 0
    var rejected = 0
    var updatedAt: String

    /// Reads the checkpoint at `path`, if there is one.
    static func load(path: String) throws -> BackfillCheckpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(BackfillCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CommandFailure.usage("the checkpoint \(path) is unreadable; delete it to start from the first line")
        }
    }

    /// Writes it atomically.
    func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure.runtime("cannot write the checkpoint \(path)")
        }
    }
}
