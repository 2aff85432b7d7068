public import Foundation

/// The pure part of ingest: bytes in, a normalised, validated record (or the reasons it is not) out.
///
/// It touches no store and no network, so the HTTP endpoint, the batch endpoint, `civgate map` and the
/// tests all run exactly the same checks.
public struct RecordIntake: Sendable {
    /// A record ready to be stored.
    public struct Accepted: Sendable {
        /// The normalised record as a JSON tree (unknown fields included).
        public var document: JSONValue
        /// Canonical bytes of `document`: what is stored.
        public var canonicalBytes: Data
        /// The typed view of the same record.
        public var record: CivilRecord
        /// Values that normalisation changed, with what arrived.
        public var normalizations: [TextNormalizer.Change]
        public var warnings: [RecordWarning]
    }

    /// Why a body is not an acceptable record.
    public enum Rejection: Error, Sendable {
        /// Not JSON at all.
        case malformed
        /// `event` is a string but not one of the eleven event types.
        case unknownEventType(path: String)
        /// The record breaks its schema.
        case invalid([SchemaViolation])
    }

    private let validator: SchemaValidator
    private let normalizer = TextNormalizer()

    /// Uses the record schema shipped in `contracts/records/record.schema.json`.
    public init(validator: SchemaValidator) {
        self.validator = validator
    }

    /// Parses, normalises and validates one record body.
    public func accept(_ body: some DataProtocol) -> Result<Accepted, Rejection> {
        guard let parsed = try? JSONValue.parse(body) else { return .failure(.malformed) }
        return accept(parsed)
    }

    /// Normalises and validates one parsed record.
    public func accept(_ parsed: JSONValue) -> Result<Accepted, Rejection> {
        let (document, changes) = normalizer.normalize(parsed)
        if let event = document["event"]?.stringValue, EventType(rawValue: event) == nil {
            return .failure(.unknownEventType(path: "$.event"))
        }
        let violations = validator.validate(document)
        guard violations.isEmpty else { return .failure(.invalid(violations)) }
        let bytes: Data
        let record: CivilRecord
        do {
            bytes = try document.canonicalBytes()
            // Read from the tree; the decoder only runs (and names the path) when the tree surprises.
            record = try CivilRecord(tree: document) ?? JSONDecoder().decode(CivilRecord.self, from: bytes)
        } catch {
            // The schema admits it but the typed model does not: report the decoding path.
            return .failure(
                .invalid([SchemaViolation(path: Self.path(of: error), code: "type", detail: "has an unexpected shape")])
            )
        }
        let impossibleDates = CalendarCheck.violations(in: record)
        guard impossibleDates.isEmpty else { return .failure(.invalid(impossibleDates)) }
        var warnings = RecordChecks.warnings(for: record)
        if !changes.isEmpty {
            warnings.append(
                RecordWarning(
                    code: "text-normalized", path: "$",
                    detail: "\(changes.count) text value(s) were normalised to NFC and trimmed; the originals are kept")
            )
        }
        return .success(
            Accepted(
                document: document, canonicalBytes: bytes, record: record, normalizations: changes, warnings: warnings))
    }

    private static func path(of error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "$" }
        let codingPath: [any CodingKey]
        switch decodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            codingPath = context.codingPath
        case .keyNotFound(let key, let context):
            codingPath = context.codingPath + [key]
        @unknown default:
            codingPath = []
        }
        return codingPath.reduce("$") { path, key in
            key.intValue.map { "\(path)[\($0)]" } ?? JSONPath.member(path, key.stringValue)
        }
    }
}
