import CivgateModel
import Foundation
import Testing

/// Proves that `TextNormalizer` turns every string of a record into NFC with trimmed, folded whitespace,
/// keeps what arrived (path and exact scalars) wherever it changed something, and leaves letters with no
/// precomposed form (Ê̆ Ô̆ Ơ̆ Ư̆) and apostrophes of ethnic-minority names exactly as they are.
///
/// Swift's `==` on `String` is canonical equivalence (NFC == NFD), so every comparison here is on
/// `unicodeScalars`.
@Suite("TextNormalizer")
struct TextNormalizerTests {
    /// "LÊ NGỌC HƯƠNG" in NFC, spelled scalar by scalar.
    static let nameNFC = "L\u{00CA} NG\u{1ECC}C H\u{01AF}\u{01A0}NG"
    /// The same name in NFD.
    static let nameNFD = "LE\u{0302} NGO\u{0323}C HU\u{031B}O\u{031B}NG"

    static func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    @Test("NFD becomes NFC and the original NFD is kept with its path")
    func composesAndKeepsOriginal() {
        #expect(Self.scalars(Self.nameNFC) != Self.scalars(Self.nameNFD))
        let input = JSONValue.object(["subjects": .array([.object(["name": .object(["full": .string(Self.nameNFD)])])])]
        )
        let (output, changes) = TextNormalizer().normalize(input)
        guard case .array(let subjects)? = output["subjects"], let full = subjects[0]["name"]?["full"]?.stringValue
        else {
            Issue.record("the tree lost its shape: \(output)")
            return
        }
        #expect(Self.scalars(full) == Self.scalars(Self.nameNFC))
        #expect(changes.count == 1)
        #expect(changes.first?.path == "$.subjects[0].name.full")
        #expect(changes.first.map { Self.scalars($0.original) } == Self.scalars(Self.nameNFD))
    }

    @Test(
        "whitespace is trimmed and inner runs folded to one space",
        arguments: [
            ("  NGUYỄN VĂN AN  ", "NGUYỄN VĂN AN"),
            ("NGUYỄN \t  VĂN\n\nAN", "NGUYỄN VĂN AN"),
            ("\r\n001197652370\n", "001197652370"),
            ("Tổ 4,\u{00A0}\u{00A0}phường Ngọc Hà", "Tổ 4, phường Ngọc Hà"),
            (" \n\t ", ""),
        ])
    func foldsWhitespace(input: String, expected: String) {
        #expect(Self.scalars(TextNormalizer.normalizeText(input)) == Self.scalars(expected))
        let (_, changes) = TextNormalizer().normalize(.string(input))
        #expect(changes.map(\.path) == ["$"])
        #expect(changes.first.map { Self.scalars($0.original) } == Self.scalars(input))
    }

    /// A letter of an ethnic-minority orthography with no precomposed form: the NFC scalars, and the
    /// fully decomposed spelling that must compose back to them.
    struct BreveLetter: Sendable, CustomTestStringConvertible {
        var nfc: String
        var nfd: String
        var testDescription: String {
            nfc.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
        }
    }

    static let breveLetters: [BreveLetter] = [
        .init(nfc: "\u{00CA}\u{0306}", nfd: "E\u{0302}\u{0306}"),  // Ê̆
        .init(nfc: "\u{00D4}\u{0306}", nfd: "O\u{0302}\u{0306}"),  // Ô̆
        .init(nfc: "\u{01A0}\u{0306}", nfd: "O\u{031B}\u{0306}"),  // Ơ̆
        .init(nfc: "\u{01AF}\u{0306}", nfd: "U\u{031B}\u{0306}"),  // Ư̆
    ]

    @Test("letters with no precomposed form keep exactly their scalars", arguments: breveLetters)
    func keepsBreveLetters(_ letter: BreveLetter) {
        let word = "H'\(letter.nfc)K"
        #expect(Self.scalars(TextNormalizer.normalizeText(word)) == Self.scalars(word))
        #expect(TextNormalizer().normalize(.string(word)).changes.isEmpty)
        // Arriving decomposed, it composes to the same two scalars, not to something else.
        #expect(Self.scalars(TextNormalizer.normalizeText("H'\(letter.nfd)K")) == Self.scalars(word))
    }

    @Test(
        "apostrophes in ethnic-minority names survive",
        arguments: ["H'HEN ÊBAN", "H'ĔN Ê\u{0306}BAN", "Y NGÔNG NIÊ", "H'LŎK KDĂM"])
    func keepsApostrophes(name: String) {
        #expect(Self.scalars(TextNormalizer.normalizeText(name)) == Self.scalars(name))
        #expect(TextNormalizer().normalize(.object(["full": .string(name)])).changes.isEmpty)
    }

    @Test("an already-NFC record comes out byte for byte the same, with no changes")
    func leavesNFCRecordAlone() throws {
        let parsed = try JSONValue.parse(Data(contentsOf: TestIntake.sample("KS-2026-000000003.json")))
        let (output, changes) = TextNormalizer().normalize(parsed)
        #expect(changes.isEmpty)
        #expect(try output.canonicalBytes() == parsed.canonicalBytes())
    }

    @Test("numbers, booleans and nulls pass through untouched")
    func leavesNonStringsAlone() throws {
        let input = JSONValue.object(["n": .integer(7), "x": .number(1.5), "b": .bool(true), "z": .null])
        let (output, changes) = TextNormalizer().normalize(input)
        #expect(output == input)
        #expect(changes.isEmpty)
    }

    @Test("fixture name-nfd.json is stored exactly as its NFC twin, the sample KS-2026-000000003")
    func nfdFixtureEqualsNFCSample() throws {
        let intake = try TestIntake.make()
        // name-nfd.json is sample KS-2026-000000003 in NFD under another record id.
        let nfdText = try TestIntake.text(
            of: TestIntake.fixture("valid", "name-nfd.json"), replacing: [("KS-2026-900000005", "KS-2026-000000003")])
        let fromNFD = try TestIntake.accept(Data(nfdText.utf8), with: intake)
        let fromNFC = try TestIntake.accept(fileAt: TestIntake.sample("KS-2026-000000003.json"), with: intake)
        #expect(fromNFD.canonicalBytes == fromNFC.canonicalBytes)
        #expect(Self.scalars(fromNFD.record.subjects[0].name?.full ?? "") == Self.scalars(Self.nameNFC))
        #expect(fromNFC.normalizations.isEmpty)
        // Every changed value is recorded with what arrived, which was NFD and differs in scalars.
        let child = try #require(fromNFD.normalizations.first { $0.path == "$.subjects[0].name.full" })
        #expect(Self.scalars(child.original) == Self.scalars(Self.nameNFD))
        #expect(fromNFD.normalizations.count >= 15)
        for change in fromNFD.normalizations {
            #expect(
                change.original.decomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(
                    change.original.unicodeScalars))
        }
        #expect(fromNFD.warnings.contains { $0.code == "text-normalized" })
    }

    @Test("fixture ede-name-combining-breve.json keeps Ê̆ Ơ̆ Ô̆ Ư̆ and the apostrophes exactly")
    func edeFixtureKeepsScalars() throws {
        let intake = try TestIntake.make()
        let accepted = try TestIntake.accept(
            fileAt: TestIntake.fixture("valid", "ede-name-combining-breve.json"), with: intake)
        #expect(accepted.normalizations.isEmpty)
        let subjects = accepted.record.subjects
        #expect(
            Self.scalars(subjects[0].name?.full ?? "") == [
                0x48, 0x27, 0x114, 0x4E, 0x20, 0xCA, 0x306, 0x42, 0x41, 0x4E,
            ])
        #expect(
            Self.scalars(subjects[1].name?.full ?? "") == [
                0x48, 0x27, 0x1A0, 0x306, 0x54, 0x20, 0xCA, 0x306, 0x42, 0x41, 0x4E,
            ])
        #expect(
            Self.scalars(subjects[2].name?.full ?? "") == [0x59, 0x20, 0xD4, 0x306, 0x4E, 0x47, 0x20, 0x4E, 0x49, 0xCA])
        let residence = subjects[1].residence?.text ?? ""
        #expect(Array(residence.unicodeScalars.prefix(7)) == Array("Buôn \u{01AF}\u{0306}".unicodeScalars))
    }

    @Test("the ede fixture sent fully decomposed is stored exactly as the NFC original")
    func decomposedEdeFixtureRoundTrips() throws {
        let intake = try TestIntake.make()
        let url = TestIntake.fixture("valid", "ede-name-combining-breve.json")
        let original = try TestIntake.text(of: url)
        let decomposed = original.decomposedStringWithCanonicalMapping
        #expect(!decomposed.unicodeScalars.elementsEqual(original.unicodeScalars))
        let fromNFD = try TestIntake.accept(Data(decomposed.utf8), with: intake)
        let fromNFC = try TestIntake.accept(Data(original.utf8), with: intake)
        #expect(fromNFD.canonicalBytes == fromNFC.canonicalBytes)
        #expect(!fromNFD.normalizations.isEmpty)
    }
}
