import CivgateContracts
import CivgateModel
import Foundation

/// The record intake exactly as the gateway builds it (over `contracts/records/record.schema.json`), and
/// helpers to feed it fixture and sample files.
enum TestIntake {
    /// A `RecordIntake` over the shipped record schema.
    static func make() throws -> RecordIntake {
        RecordIntake(
            validator: try SchemaValidator(schema: JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))))
    }

    /// The accepted record for `data`, or a thrown `Refused` naming the paths and rule codes.
    static func accept(_ data: Data, with intake: RecordIntake) throws -> RecordIntake.Accepted {
        switch intake.accept(data) {
        case .success(let accepted): return accepted
        case .failure(let rejection): throw Refused(rejection: rejection)
        }
    }

    /// The accepted record for the file at `url`.
    static func accept(fileAt url: URL, with intake: RecordIntake) throws -> RecordIntake.Accepted {
        try accept(Data(contentsOf: url), with: intake)
    }

    /// The file's text with `replacements` applied; each `from` must occur (else the test data drifted).
    static func text(of url: URL, replacing replacements: [(String, String)] = []) throws -> String {
        var text = try String(contentsOf: url, encoding: .utf8)
        for (from, to) in replacements {
            guard text.contains(from) else { throw FixtureDrift(file: url.lastPathComponent, missing: from) }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    /// Why the intake refused a record that a test expected it to accept.
    struct Refused: Error, CustomStringConvertible {
        var rejection: RecordIntake.Rejection
        var description: String { TestIntake.describe(rejection) }
    }

    /// A replacement's source text is missing from a test file.
    struct FixtureDrift: Error, CustomStringConvertible {
        var file: String
        var missing: String
        var description: String { "\(file) no longer contains \(missing.debugDescription)" }
    }

    /// Paths, codes and details of a rejection (never values: details carry none).
    static func describe(_ rejection: RecordIntake.Rejection) -> String {
        switch rejection {
        case .malformed: "malformed JSON"
        case .unknownEventType(let path): "unknown event type at \(path)"
        case .invalid(let violations): violations.map { "\($0.path) \($0.code): \($0.detail)" }.joined(separator: "; ")
        }
    }

    static func fixture(_ kind: String, _ name: String) -> URL {
        TestPaths.fixtures.appendingPathComponent(kind).appendingPathComponent(name)
    }

    static func sample(_ name: String) -> URL {
        TestPaths.samples.appendingPathComponent(name)
    }
}
