/// An approved civil-status record in the registry's export format (`shared/samples/README.md`).
///
/// Every field that old books may lack is optional. Unknown fields are kept in the stored JSON, not here.
public struct CivilRecord: Sendable, Codable, Hashable {
    public var source: SourceReference
    public var event: EventType
    public var registration: Registration
    public var subjects: [Subject]
    public var declarant: Declarant?
    public var approval: Approval?
    public var quality: Quality?
    public var marriage: MarriageDetails?

    /// The first subject with `role`, if any.
    public func subject(_ role: String) -> Subject? {
        subjects.first { $0.role == role }
    }
}

/// The registry's identity of a record; a correction is the same `recordId` with a higher `version`.
public struct SourceReference: Sendable, Codable, Hashable {
    public var system: String
    public var recordId: String
    public var version: Int

    public init(system: String, recordId: String, version: Int) {
        self.system = system
        self.recordId = recordId
        self.version = version
    }
}

/// Where, when and by whom the event was registered.
public struct Registration: Sendable, Codable, Hashable {
    public var authority: AdministrativeUnit
    public var book: String?
    public var number: String?
    /// `YYYY-MM-DD`; absent in some digitised books.
    public var date: String?
    /// `new`, `late`, `re-registration` or `historical`.
    public var kind: String?
    public var signer: Signer?
    public var officer: String?
}

/// A commune (or other unit) code with the code system it belongs to (`QD124-2004` or `QD19-2025`).
public struct AdministrativeUnit: Sendable, Codable, Hashable {
    public var code: String
    public var codeSystem: String
    public var name: String?
}

/// Who signed the registration.
public struct Signer: Sendable, Codable, Hashable {
    public var name: String?
    public var title: String?
}

/// A person named in the record, with the role they play in it.
public struct Subject: Sendable, Codable, Hashable {
    public var role: String
    public var name: PersonName?
    public var sex: Sex?
    public var birthDate: PartialDate?
    public var ethnicity: CodedValue?
    public var nationality: CodedValue?
    public var pin: String?
    public var placeOfBirth: Place?
    public var hometown: Place?
    public var residence: Place?
    public var death: DeathDetails?
}

/// A name as written, and split into family/middle/given when the parts can be told apart.
public struct PersonName: Sendable, Codable, Hashable {
    public var full: String
    public var family: String?
    public var middle: String?
    public var given: String?
}

/// Sex as registered.
public enum Sex: String, Sendable, Codable, Hashable {
    case male, female, unknown
}

/// A code with the code system it is drawn from.
public struct CodedValue: Sendable, Codable, Hashable {
    public var code: String
    public var codeSystem: String

    public init(code: String, codeSystem: String) {
        self.code = code
        self.codeSystem = codeSystem
    }
}

/// A place: a health facility, an administrative unit with text, or text alone.
public struct Place: Sendable, Codable, Hashable {
    public var facility: Facility?
    public var unit: UnitReference?
    public var text: String?
}

/// A health facility, e.g. the hospital where a child was born.
public struct Facility: Sendable, Codable, Hashable {
    public var code: String?
    public var name: String?
}

/// An administrative unit code with its code system.
public struct UnitReference: Sendable, Codable, Hashable {
    public var code: String
    public var codeSystem: String
}

/// Death details of a deceased subject.
public struct DeathDetails: Sendable, Codable, Hashable {
    /// ISO 8601 date-time to the minute, with offset.
    public var at: String?
    public var place: Place?
    public var cause: String?
    public var notice: DeathNotice?
}

/// The death notice (giấy báo tử) or its substitute.
public struct DeathNotice: Sendable, Codable, Hashable {
    public var number: String?
    public var issuer: String?
}

/// Who declared the event.
public struct Declarant: Sendable, Codable, Hashable {
    public var name: String?
    public var relationship: String?
}

/// Who approved the record, and when.
public struct Approval: Sendable, Codable, Hashable {
    public var by: String?
    public var at: String?
}

/// Provenance of digitised records and the fields their book does not have.
public struct Quality: Sendable, Codable, Hashable {
    public var digitized: Bool?
    public var missingInSource: [String]?
}

/// Marriage-specific details, e.g. the establishment date of a re-registered marriage.
public struct MarriageDetails: Sendable, Codable, Hashable {
    public var establishedOn: PartialDate?
}
