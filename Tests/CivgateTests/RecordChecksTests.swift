import CivgateModel
import Foundation
import Testing

/// Proves the domain checks that warn but never reject (a very young parent, a PIN whose structure
/// disagrees with the record), the age-to-birth-year arithmetic, and the PIN's structure: province,
/// century/sex digit (0/1 for the 1900s, 2/3 for the 2000s), two year digits, six serial digits.
@Suite("RecordChecks and PIN structure")
struct RecordChecksTests {
    @Test("a mother aged 12 is accepted with a young-parent warning")
    func motherAged12() throws {
        let intake = try TestIntake.make()
        let accepted = try TestIntake.accept(fileAt: TestIntake.fixture("valid", "mother-aged-12.json"), with: intake)
        let warning = try #require(accepted.warnings.first { $0.code == "young-parent" })
        #expect(warning.path == "$.subjects[1].birthDate")
        #expect(!accepted.warnings.contains { $0.code == "pin-structure-mismatch" })
    }

    @Test("an ordinary birth has no warnings")
    func ordinarySampleHasNone() throws {
        let intake = try TestIntake.make()
        let accepted = try TestIntake.accept(fileAt: TestIntake.sample("KS-2026-000000003.json"), with: intake)
        #expect(accepted.warnings.isEmpty)
        #expect(RecordChecks.warnings(for: accepted.record).isEmpty)
    }

    @Test("no sample carries a young-parent or PIN warning")
    func samplesHaveNoDomainWarnings() throws {
        let intake = try TestIntake.make()
        for file in TestPaths.jsonFiles(in: TestPaths.samples) {
            let accepted = try TestIntake.accept(fileAt: file, with: intake)
            #expect(RecordChecks.warnings(for: accepted.record).isEmpty, "\(file.lastPathComponent)")
        }
    }

    /// A mother's PIN edited so that part of its structure disagrees with her record (female, 1997).
    struct PinEdit: Sendable, CustomTestStringConvertible {
        var pin: String
        var disagreement: String
        var testDescription: String { "\(pin): \(disagreement)" }
    }

    @Test(
        "a PIN that disagrees with the subject is a warning, not a rejection",
        arguments: [
            PinEdit(pin: "001097652370", disagreement: "sex"),  // 0: male, 1900s
            PinEdit(pin: "001198652370", disagreement: "birth-year"),  // 1998
            PinEdit(pin: "001397652370", disagreement: "birth-year"),  // 3: female, 2000s → 2097
            PinEdit(pin: "001297652370", disagreement: "sex and birth-year"),  // 2: male, 2000s
        ])
    func pinStructureMismatch(_ edit: PinEdit) throws {
        let intake = try TestIntake.make()
        let text = try TestIntake.text(
            of: TestIntake.sample("KS-2026-000000003.json"), replacing: [("\"001197652370\"", "\"\(edit.pin)\"")])
        let accepted = try TestIntake.accept(Data(text.utf8), with: intake)
        let mismatches = accepted.warnings.filter { $0.code == "pin-structure-mismatch" }
        #expect(mismatches.map(\.path) == ["$.subjects[1].pin"])
        #expect(mismatches.first?.detail.contains(edit.disagreement) == true)
        #expect(mismatches.first?.detail.contains(edit.pin) == false)
        #expect(accepted.record.subjects[1].pin == edit.pin)
    }

    @Test("a PIN is not checked against an undetermined sex or a missing birth year")
    func noDisagreementWithoutFacts() throws {
        let pin = try #require(PersonalIdentificationNumber("001197652370"))
        #expect(pin.disagreements(sex: .unknown, birthYear: nil).isEmpty)
        #expect(pin.disagreements(sex: nil, birthYear: 1997).isEmpty)
        #expect(pin.disagreements(sex: .male, birthYear: 1996) == ["sex", "birth-year"])
    }

    @Test("a mother recorded by age (12) gets a young-parent warning; aged 33 gets none")
    func motherByAge() throws {
        let intake = try TestIntake.make()
        let sample = TestIntake.sample("KS-1974-000000011.json")
        let aged33 = try TestIntake.accept(fileAt: sample, with: intake)
        #expect(!aged33.warnings.contains { $0.code == "young-parent" })
        let text = try TestIntake.text(of: sample, replacing: [("\"ageAtEvent\": 33", "\"ageAtEvent\": 12")])
        let aged12 = try TestIntake.accept(Data(text.utf8), with: intake)
        #expect(aged12.warnings.contains { $0.code == "young-parent" && $0.path == "$.subjects[1].birthDate" })
    }

    // Regression. Field reports: mothers aged 12 AND 13. A mother whose book records "13" at the birth
    // was younger than youngParentAge (14); the check used the lower bound of the birth-year range
    // (age + 1) and stayed silent.
    @Test("a mother recorded by age 13 gets a young-parent warning")
    func motherAged13IsYoungParent() throws {
        let intake = try TestIntake.make()
        let text = try TestIntake.text(
            of: TestIntake.sample("KS-1974-000000011.json"), replacing: [("\"ageAtEvent\": 33", "\"ageAtEvent\": 13")])
        let accepted = try TestIntake.accept(Data(text.utf8), with: intake)
        #expect(accepted.warnings.contains { $0.code == "young-parent" }, "mother aged 13 at the birth was not flagged")
    }

    @Test("an age at the event gives the two possible birth years")
    func ageToBirthYears() {
        #expect(PartialDate.age(19).birthYearRange(eventYear: 2000) == 1980...1981)
        #expect(PartialDate.age(33).birthYearRange(eventYear: 1974) == 1940...1941)
        #expect(PartialDate.age(0).birthYearRange(eventYear: 2026) == 2025...2026)
        #expect(PartialDate.age(19).birthYearRange(eventYear: nil) == nil)
        #expect(PartialDate.year(1997).birthYearRange(eventYear: 2026) == 1997...1997)
        #expect(PartialDate.day(year: 1974, month: 9, day: 11).birthYearRange(eventYear: nil) == 1974...1974)
        #expect(PartialDate.month(year: 1975, month: 6).isoValue == "1975-06")
        #expect(PartialDate.age(19).isoValue == nil)
    }

    /// A PIN built from its parts and the twelve digits it must produce.
    struct PinParts: Sendable, CustomTestStringConvertible {
        var province: String
        var sex: Sex
        var year: Int
        var serial: Int
        var digits: String
        var testDescription: String { digits }
    }

    static let pinParts: [PinParts] = [
        .init(province: "001", sex: .female, year: 1997, serial: 652_370, digits: "001197652370"),
        .init(province: "001", sex: .male, year: 1993, serial: 908_618, digits: "001093908618"),
        .init(province: "001", sex: .male, year: 2026, serial: 123_456, digits: "001226123456"),
        .init(province: "052", sex: .female, year: 2014, serial: 757_004, digits: "052314757004"),
        .init(province: "066", sex: .male, year: 1900, serial: 0, digits: "066000000000"),
        .init(province: "079", sex: .female, year: 2099, serial: 999_999, digits: "079399999999"),
        .init(province: "001", sex: .male, year: 2100, serial: 1, digits: "001400000001"),
    ]

    @Test("a PIN built from its parts reads back the same parts", arguments: pinParts)
    func pinRoundTrip(_ parts: PinParts) throws {
        let built = try #require(
            PersonalIdentificationNumber(
                provinceCode: parts.province, sex: parts.sex, birthYear: parts.year, serial: parts.serial))
        #expect(built.digits == parts.digits)
        #expect(built.description == parts.digits)
        let parsed = try #require(PersonalIdentificationNumber(parts.digits))
        #expect(parsed == built)
        #expect(parsed.provinceCode == parts.province)
        #expect(parsed.sex == parts.sex)
        #expect(parsed.birthYear == parts.year)
    }

    @Test("the century/sex digit is 0/1 in the 1900s and 2/3 in the 2000s")
    func centuryDigits() throws {
        func digit(_ sex: Sex, _ year: Int) throws -> Character {
            let pin = try #require(
                PersonalIdentificationNumber(provinceCode: "001", sex: sex, birthYear: year, serial: 1))
            return Array(pin.digits)[3]
        }
        #expect(try digit(.male, 1950) == "0")
        #expect(try digit(.female, 1999) == "1")
        #expect(try digit(.male, 2000) == "2")
        #expect(try digit(.female, 2026) == "3")
    }

    @Test(
        "anything but twelve ASCII digits is not a PIN",
        arguments: [
            "00119765237", "0011976523700", "00119765237O", "", "001197652370\n", " 001197652370", "0011-9765237",
            "\u{FF10}\u{FF10}\u{FF11}\u{FF11}\u{FF19}\u{FF17}\u{FF16}\u{FF15}\u{FF12}\u{FF13}\u{FF17}\u{FF10}",
            "\u{0660}\u{0660}\u{0661}\u{0661}\u{0669}\u{0667}\u{0666}\u{0665}\u{0662}\u{0663}\u{0667}\u{0660}",
        ])
    func rejectsNonPins(text: String) {
        #expect(PersonalIdentificationNumber(text) == nil)
    }

    @Test("parts that cannot be encoded give no PIN")
    func rejectsBadParts() {
        #expect(PersonalIdentificationNumber(provinceCode: "001", sex: .male, birthYear: 1899, serial: 1) == nil)
        #expect(PersonalIdentificationNumber(provinceCode: "001", sex: .male, birthYear: 2400, serial: 1) == nil)
        #expect(PersonalIdentificationNumber(provinceCode: "001", sex: .unknown, birthYear: 2000, serial: 1) == nil)
        #expect(
            PersonalIdentificationNumber(provinceCode: "001", sex: .male, birthYear: 2000, serial: 1_000_000) == nil)
        #expect(PersonalIdentificationNumber(provinceCode: "001", sex: .male, birthYear: 2000, serial: -1) == nil)
        #expect(PersonalIdentificationNumber(provinceCode: "01", sex: .male, birthYear: 2000, serial: 1) == nil)
        #expect(PersonalIdentificationNumber(provinceCode: "0001", sex: .male, birthYear: 2000, serial: 1) == nil)
    }

    // Regression: `digits` is "the twelve digits", but the parts initialiser used to count the province
    // code's bytes only, building a "PIN" that `init?(_ text:)` itself refuses.
    @Test("a province code that is not three digits gives no PIN")
    func nonDigitProvinceCode() {
        let built = PersonalIdentificationNumber(provinceCode: "0A1", sex: .male, birthYear: 2000, serial: 1)
        #expect(built == nil, "built \(built?.digits ?? "")")
    }
}
