/// The 12-digit personal identification number (số định danh cá nhân): province or country of birth
/// registration (3 digits), century/sex digit, two-digit birth year, six random digits. No checksum.
public struct PersonalIdentificationNumber: Sendable, Hashable, CustomStringConvertible {
    /// The twelve digits.
    public let digits: String

    /// Parses twelve ASCII digits; `nil` otherwise.
    public init?(_ text: String) {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        digits = text
    }

    /// Builds a PIN from its parts; `nil` when the century cannot be encoded (before 1900 or after 2399).
    public init?(provinceCode: String, sex: Sex, birthYear: Int, serial: Int) {
        guard provinceCode.utf8.count == 3, provinceCode.utf8.allSatisfy({ (48...57).contains($0) }),
            (1900...2399).contains(birthYear), sex != .unknown,
            (0..<1_000_000).contains(serial)
        else { return nil }
        let centuryDigit = (birthYear / 100 - 19) * 2 + (sex == .female ? 1 : 0)
        let year = String(birthYear % 100)
        let serialText = String(serial)
        digits =
            provinceCode + String(centuryDigit) + String(repeating: "0", count: 2 - year.count) + year
            + String(repeating: "0", count: 6 - serialText.count) + serialText
    }

    public var description: String { digits }

    /// Province (001–096) or country (1xx–2xx) code of the birth registration.
    public var provinceCode: String { String(digits.prefix(3)) }

    /// The sex encoded in the century/sex digit (even = male, odd = female).
    public var sex: Sex { centurySexDigit % 2 == 0 ? .male : .female }

    /// The full birth year encoded in the century/sex digit and the two year digits.
    public var birthYear: Int { (19 + centurySexDigit / 2) * 100 + Int(digits.dropFirst(4).prefix(2))! }

    private var centurySexDigit: Int { Int(String(digits.dropFirst(3).prefix(1)))! }

    /// The parts that disagree with what the record says (for warnings, never rejections: erroneous PINs
    /// exist in the Population Database and are still the citizen's number).
    public func disagreements(sex expectedSex: Sex?, birthYear expectedYear: Int?) -> [String] {
        var found: [String] = []
        if let expectedSex, expectedSex != .unknown, expectedSex != sex { found.append("sex") }
        if let expectedYear, expectedYear != birthYear { found.append("birth-year") }
        return found
    }
}
