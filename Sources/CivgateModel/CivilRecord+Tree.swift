public import Foundation

extension CivilRecord {
    /// The typed view of a record read straight from its JSON tree, or `nil` when anything in the tree is
    /// not exactly what the `Codable` conformance reads.
    ///
    /// Ingest decodes every record, and going through bytes and `JSONDecoder` cost more than all the other
    /// checks together. This reads only shapes the decoder would read to the same value (strings as
    /// strings, integers as `.integer`, absent or `null` optionals as `nil`); for anything else it gives
    /// up, and the caller decodes with `JSONDecoder`, which then names the problem.
    /// Reads a stored (canonical) record without `JSONDecoder`: parse, then the tree reader, and the
    /// decoder only when the tree reader declines. The dispatcher reads one per delivery attempt.
    public static func decodeStored(_ data: Data) throws -> CivilRecord {
        if let tree = try? JSONValue.parse(data), let record = CivilRecord(tree: tree) { return record }
        return try JSONDecoder().decode(CivilRecord.self, from: data)
    }

    init?(tree: JSONValue) {
        guard let record = try? TreeReader.record(tree) else { return nil }
        self = record
    }
}

/// Reads the `CivilRecord` types from a ``JSONValue``; throws ``Mismatch`` at the first surprise.
private enum TreeReader {
    struct Mismatch: Error {}

    typealias Members = [String: JSONValue]

    static func record(_ value: JSONValue) throws(Mismatch) -> CivilRecord {
        let members = try object(value)
        guard let event = EventType(rawValue: try string(members, "event")) else { throw Mismatch() }
        return CivilRecord(
            source: try source(required(members, "source")),
            event: event,
            registration: try registration(required(members, "registration")),
            subjects: try array(required(members, "subjects")).map { (item) throws(Mismatch) in try subject(item) },
            declarant: try optional(members, "declarant") { (value) throws(Mismatch) in
                let fields = try object(value)
                return Declarant(
                    name: try string(fields, ifPresent: "name"),
                    relationship: try string(fields, ifPresent: "relationship"))
            },
            approval: try optional(members, "approval") { (value) throws(Mismatch) in
                let fields = try object(value)
                return Approval(by: try string(fields, ifPresent: "by"), at: try string(fields, ifPresent: "at"))
            },
            quality: try optional(members, "quality") { (value) throws(Mismatch) in
                let fields = try object(value)
                return Quality(
                    digitized: try optional(fields, "digitized") { (flag) throws(Mismatch) in
                        guard case .bool(let digitized) = flag else { throw Mismatch() }
                        return digitized
                    },
                    missingInSource: try optional(fields, "missingInSource") { (list) throws(Mismatch) in
                        try array(list).map { (item) throws(Mismatch) in try text(item) }
                    })
            },
            marriage: try optional(members, "marriage") { (value) throws(Mismatch) in
                MarriageDetails(establishedOn: try optional(try object(value), "establishedOn", partialDate))
            })
    }

    private static func source(_ value: JSONValue) throws(Mismatch) -> SourceReference {
        let members = try object(value)
        return SourceReference(
            system: try string(members, "system"), recordId: try string(members, "recordId"),
            version: try integer(required(members, "version")))
    }

    private static func registration(_ value: JSONValue) throws(Mismatch) -> Registration {
        let members = try object(value)
        let authority = try object(required(members, "authority"))
        return Registration(
            authority: AdministrativeUnit(
                code: try string(authority, "code"), codeSystem: try string(authority, "codeSystem"),
                name: try string(authority, ifPresent: "name")),
            book: try string(members, ifPresent: "book"),
            number: try string(members, ifPresent: "number"),
            date: try string(members, ifPresent: "date"),
            kind: try string(members, ifPresent: "kind"),
            signer: try optional(members, "signer") { (value) throws(Mismatch) in
                let fields = try object(value)
                return Signer(
                    name: try string(fields, ifPresent: "name"), title: try string(fields, ifPresent: "title"))
            },
            officer: try string(members, ifPresent: "officer"))
    }

    private static func subject(_ value: JSONValue) throws(Mismatch) -> Subject {
        let members = try object(value)
        return Subject(
            role: try string(members, "role"),
            name: try optional(members, "name") { (value) throws(Mismatch) in
                let fields = try object(value)
                return PersonName(
                    full: try string(fields, "full"), family: try string(fields, ifPresent: "family"),
                    middle: try string(fields, ifPresent: "middle"), given: try string(fields, ifPresent: "given"))
            },
            sex: try optional(members, "sex") { (value) throws(Mismatch) in
                guard let sex = Sex(rawValue: try text(value)) else { throw Mismatch() }
                return sex
            },
            birthDate: try optional(members, "birthDate", partialDate),
            ethnicity: try optional(members, "ethnicity", codedValue),
            nationality: try optional(members, "nationality", codedValue),
            pin: try string(members, ifPresent: "pin"),
            placeOfBirth: try optional(members, "placeOfBirth", place),
            hometown: try optional(members, "hometown", place),
            residence: try optional(members, "residence", place),
            death: try optional(members, "death") { (value) throws(Mismatch) in
                let fields = try object(value)
                return DeathDetails(
                    at: try string(fields, ifPresent: "at"),
                    place: try optional(fields, "place", place),
                    cause: try string(fields, ifPresent: "cause"),
                    notice: try optional(fields, "notice") { (value) throws(Mismatch) in
                        let notice = try object(value)
                        return DeathNotice(
                            number: try string(notice, ifPresent: "number"),
                            issuer: try string(notice, ifPresent: "issuer"))
                    })
            })
    }

    private static func codedValue(_ value: JSONValue) throws(Mismatch) -> CodedValue {
        let members = try object(value)
        return CodedValue(code: try string(members, "code"), codeSystem: try string(members, "codeSystem"))
    }

    private static func place(_ value: JSONValue) throws(Mismatch) -> Place {
        let members = try object(value)
        return Place(
            facility: try optional(members, "facility") { (value) throws(Mismatch) in
                let fields = try object(value)
                return Facility(
                    code: try string(fields, ifPresent: "code"), name: try string(fields, ifPresent: "name"))
            },
            unit: try optional(members, "unit") { (value) throws(Mismatch) in
                let fields = try object(value)
                return UnitReference(code: try string(fields, "code"), codeSystem: try string(fields, "codeSystem"))
            },
            text: try string(members, ifPresent: "text"))
    }

    /// The same reading as `PartialDate.init(from:)`.
    private static func partialDate(_ value: JSONValue) throws(Mismatch) -> PartialDate {
        let members = try object(value)
        let precision = try string(members, "precision")
        if precision == "age" { return .age(try integer(required(members, "ageAtEvent"))) }
        let parts = try string(members, "value").split(separator: "-").map { Int($0) }
        guard parts.allSatisfy({ $0 != nil }) else { throw Mismatch() }
        let numbers = parts.compactMap { $0 }
        switch (precision, numbers.count) {
        case ("day", 3): return .day(year: numbers[0], month: numbers[1], day: numbers[2])
        case ("month", 2): return .month(year: numbers[0], month: numbers[1])
        case ("year", 1): return .year(numbers[0])
        default: throw Mismatch()
        }
    }

    // MARK: - Primitives

    private static func object(_ value: JSONValue) throws(Mismatch) -> Members {
        guard case .object(let members) = value else { throw Mismatch() }
        return members
    }

    private static func array(_ value: JSONValue) throws(Mismatch) -> [JSONValue] {
        guard case .array(let items) = value else { throw Mismatch() }
        return items
    }

    private static func text(_ value: JSONValue) throws(Mismatch) -> String {
        guard case .string(let text) = value else { throw Mismatch() }
        return text
    }

    /// Only `.integer`: a `.number` is left to `JSONDecoder`, whose reading of `5.0` or `1e2` decides.
    private static func integer(_ value: JSONValue) throws(Mismatch) -> Int {
        guard case .integer(let integer) = value, let result = Int(exactly: integer) else { throw Mismatch() }
        return result
    }

    private static func required(_ members: Members, _ key: String) throws(Mismatch) -> JSONValue {
        guard let value = members[key] else { throw Mismatch() }
        return value
    }

    private static func string(_ members: Members, _ key: String) throws(Mismatch) -> String {
        try text(required(members, key))
    }

    private static func string(_ members: Members, ifPresent key: String) throws(Mismatch) -> String? {
        try optional(members, key, text)
    }

    /// `decodeIfPresent`: absent and `null` are both `nil`.
    private static func optional<T>(
        _ members: Members, _ key: String, _ read: (JSONValue) throws(Mismatch) -> T
    ) throws(Mismatch) -> T? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        return try read(value)
    }
}
