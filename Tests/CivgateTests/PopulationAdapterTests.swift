import CivgateContracts
import CivgateModel
import CivgateXML
import Foundation
import PopulationAdapter
import Testing

/// Proves the population adapter's `assign-pin` operation: the XML it sends for representative births is
/// byte-for-byte the reviewed golden files; every message made from the samples and from generated
/// births validates against `contracts/population/population.xsd` and carries the right province, sex,
/// NFC names and ethnicity code system; births the Population Database cannot number are `needsData`,
/// non-births `unmappable`; the outbound key is the message id and the Idempotency-Key; and replies
/// are classified into success, review, permanent failure and retry (honouring Retry-After).
///
/// Set `CIVGATE_RECORD_GOLDEN=1` to rewrite the golden files (the run then fails on purpose).
@Suite("PopulationAdapter assign-pin")
struct PopulationAdapterTests {
    static let namespaces = ["dc": "http://www.mic.gov.vn/dancu/1.0"]
    static let root = "/dc:YeuCauCapSoDinhDanh"
    static let citizen = "/dc:YeuCauCapSoDinhDanh/dc:CongDan"
    static let goldenKey = "cg1-golden-key-0001"

    /// Province code of each commune the generator and the samples use, by code system (copied from
    /// `shared/tools/gen_records.py` PROVINCE_OF, independent of the adapter's table).
    static let provinceOf: [String: String] = [
        "QD19-2025:00004": "001", "QD19-2025:00008": "001", "QD19-2025:26734": "079", "QD19-2025:20194": "048",
        "QD19-2025:24121": "066", "QD19-2025:09880": "052", "QD124-2004:00016": "001", "QD124-2004:12625": "034",
        "QD124-2004:21910": "052", "QD124-2004:06169": "020", "QD124-2004:09217": "027",
    ]

    /// QĐ 121 (1979) code → QĐ 1019 (2008) code, by ethnic group name (`shared/docs/domain-vn.md` §4.1
    /// and §4.2): the codes the adapter must translate; others go out unchanged in QD121-1979.
    static let qd121ToQd1019: [String: String] = [
        "01": "01", "02": "02", "03": "03", "04": "06", "05": "05", "06": "04", "07": "07", "08": "08", "09": "09",
        "10": "10", "12": "11", "13": "12", "15": "13", "17": "14", "16": "15", "14": "16", "18": "17", "19": "18",
        "21": "19", "20": "20",
    ]

    // MARK: helpers

    static func xsd() throws -> XMLSchemaValidator {
        try XMLSchemaValidator(schemaAt: ContractFiles.url(ContractFiles.populationSchemaPath))
    }

    static func job(
        _ record: CivilRecord, key: String = goldenKey, operation: String = "assign-pin",
        confirmations: Set<String> = []
    ) -> DeliveryJob {
        DeliveryJob(
            deliveryID: "dlv_test", record: record, operation: operation, outboundKey: key, attempt: 1,
            confirmations: confirmations)
    }

    static func record(_ data: Data) throws -> CivilRecord {
        try TestIntake.accept(data, with: TestIntake.make()).record
    }

    static func record(at url: URL, replacing replacements: [(String, String)] = []) throws -> CivilRecord {
        try record(Data(TestIntake.text(of: url, replacing: replacements).utf8))
    }

    /// The request for `record`, or a recorded issue and a thrown error when it is not `.send`.
    static func request(_ record: CivilRecord, key: String = goldenKey, confirmations: Set<String> = []) throws
        -> OutboundRequest
    {
        switch PopulationAdapter().prepare(job(record, key: key, confirmations: confirmations)) {
        case .send(let request): return request
        case let other: throw NotSent(outcome: "\(other)")
        }
    }

    struct NotSent: Error, CustomStringConvertible {
        var outcome: String
        var description: String { "expected .send, got \(outcome)" }
    }

    static func document(_ body: [UInt8]) throws -> SafeXMLDocument { try SafeXMLDocument(bytes: body) }

    static func isNFC(_ text: String) -> Bool {
        text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars)
    }

    /// Elements written empty (`<dc:X></dc:X>` or `<dc:X/>`): absent fields must be left out instead.
    static func emptyElements(_ body: [UInt8]) -> [String] {
        let text = String(decoding: body, as: UTF8.self)
        let pattern = try! NSRegularExpression(pattern: #"<dc:(\w+)[^>]*>\s*</dc:\1>|<dc:\w+[^>]*/>"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    // MARK: golden files

    /// A representative birth and the golden file its message must equal.
    struct Golden: Sendable, CustomTestStringConvertible {
        var name: String
        var folder: String
        var file: String
        var source: URL {
            folder == "samples" ? TestIntake.sample(file) : TestIntake.fixture(folder, file)
        }
        var golden: URL { TestPaths.golden.appendingPathComponent("population/assign-pin/\(name).xml") }
        var testDescription: String { name }
    }

    static let goldens: [Golden] = [
        .init(name: "KS-2026-000000003", folder: "samples", file: "KS-2026-000000003.json"),
        .init(name: "KS-1974-000000011", folder: "samples", file: "KS-1974-000000011.json"),
        .init(name: "twin-a", folder: "valid", file: "twin-a.json"),
        .init(name: "ede-name-combining-breve", folder: "valid", file: "ede-name-combining-breve.json"),
        .init(
            name: "historical-no-date-signer-officer-mother-age", folder: "valid",
            file: "historical-no-date-signer-officer-mother-age.json"),
        .init(name: "child-with-pin", folder: "valid", file: "child-with-pin.json"),
        .init(name: "name-nfd", folder: "valid", file: "name-nfd.json"),
    ]

    @Test("the message equals its golden file byte for byte", arguments: goldens)
    func matchesGolden(_ golden: Golden) throws {
        let request = try Self.request(Self.record(at: golden.source))
        try Self.xsd().validate(request.body)
        if ProcessInfo.processInfo.environment["CIVGATE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: golden.golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(request.body).write(to: golden.golden)
            Issue.record("golden files written; rerun without CIVGATE_RECORD_GOLDEN")
            return
        }
        guard let expected = FileManager.default.contents(atPath: golden.golden.path) else {
            Issue.record("no golden file \(golden.golden.path); run with CIVGATE_RECORD_GOLDEN=1 and review it")
            return
        }
        let actualLines = String(decoding: request.body, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = String(decoding: expected, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            Data(request.body) == expected,
            "differs from \(golden.name).xml at line \((firstDifference?.offset ?? min(actualLines.count, expectedLines.count)) + 1): got \(firstDifference.map { String($0.element.0) } ?? "(length differs)")"
        )
    }

    @Test("an NFD record produces the same bytes as its NFC twin")
    func nfdRecordSendsNFC() throws {
        let fromNFD = try Self.request(
            Self.record(
                at: TestIntake.fixture("valid", "name-nfd.json"),
                replacing: [("KS-2026-900000005", "KS-2026-000000003")]))
        let fromNFC = try Self.request(Self.record(at: TestIntake.sample("KS-2026-000000003.json")))
        #expect(fromNFD.body == fromNFC.body)
        let text = String(decoding: fromNFD.body, as: UTF8.self)
        #expect(Self.isNFC(text))
    }

    // MARK: content

    @Test("a live birth with both parents: codes, parents' years, absent child PIN")
    func liveBirthContent() throws {
        let request = try Self.request(Self.record(at: TestIntake.sample("KS-2026-000000003.json")))
        let doc = try Self.document(request.body)
        let registration = "\(Self.root)/dc:DangKyKhaiSinh"
        #expect(doc.text("\(registration)/dc:CoQuanDangKy/dc:MaDonViHanhChinh", namespaces: Self.namespaces) == "00008")
        #expect(
            doc.text("\(registration)/dc:CoQuanDangKy/dc:MaDonViHanhChinh/@HeThongMa", namespaces: Self.namespaces)
                == "QD19-2025")
        #expect(doc.text("\(registration)/dc:CoQuanDangKy/dc:MaTinh", namespaces: Self.namespaces) == "001")
        #expect(doc.text("\(registration)/dc:NgayDangKy", namespaces: Self.namespaces) == "2026-09-25")
        #expect(doc.text("\(registration)/dc:MaHoSoNguon", namespaces: Self.namespaces) == "KS-2026-000000003")
        #expect(doc.text("\(registration)/dc:MaHoSoNguon/@PhienBan", namespaces: Self.namespaces) == "1")
        #expect(doc.text("\(Self.citizen)/dc:SoDinhDanh", namespaces: Self.namespaces) == nil)
        #expect(doc.text("\(Self.citizen)/dc:GioiTinh", namespaces: Self.namespaces) == "2")
        #expect(
            doc.text("\(Self.citizen)/dc:NgayThangNamSinh/dc:NgayThangNam", namespaces: Self.namespaces) == "2026-09-24"
        )
        #expect(doc.text("\(Self.citizen)/dc:DanToc", namespaces: Self.namespaces) == "01")
        #expect(doc.text("\(Self.citizen)/dc:DanToc/@HeThongMa", namespaces: Self.namespaces) == "QD1019-2008")
        #expect(doc.text("\(Self.citizen)/dc:Me/dc:SoDinhDanh", namespaces: Self.namespaces) == "001197652370")
        #expect(doc.text("\(Self.citizen)/dc:Me/dc:NamSinh/dc:Nam", namespaces: Self.namespaces) == "1997")
        #expect(doc.text("\(Self.citizen)/dc:Cha/dc:NamSinh/dc:Nam", namespaces: Self.namespaces) == "1993")
        #expect(Self.emptyElements(request.body).isEmpty)
    }

    @Test("a mother recorded by age gets a birth-year range; a missing father is left out")
    func historicalBirthContent() throws {
        let request = try Self.request(Self.record(at: TestIntake.sample("KS-1974-000000011.json")))
        let doc = try Self.document(request.body)
        #expect(doc.text("\(Self.citizen)/dc:Me/dc:NamSinh/dc:KhoangNam/dc:Tu", namespaces: Self.namespaces) == "1940")
        #expect(doc.text("\(Self.citizen)/dc:Me/dc:NamSinh/dc:KhoangNam/dc:Den", namespaces: Self.namespaces) == "1941")
        #expect(doc.text("\(Self.citizen)/dc:Me/dc:NamSinh/dc:Nam", namespaces: Self.namespaces) == nil)
        #expect(doc.texts("\(Self.citizen)/dc:Cha", namespaces: Self.namespaces).isEmpty)
        #expect(
            doc.text("\(Self.root)/dc:DangKyKhaiSinh/dc:CoQuanDangKy/dc:MaTinh", namespaces: Self.namespaces) == "027")
        #expect(doc.text("\(Self.root)/dc:DangKyKhaiSinh/dc:LoaiDangKy", namespaces: Self.namespaces) == "historical")
    }

    @Test("fields the old book lacks are absent, not empty")
    func absentFieldsAreAbsent() throws {
        let request = try Self.request(
            Self.record(at: TestIntake.fixture("valid", "historical-no-date-signer-officer-mother-age.json")))
        let doc = try Self.document(request.body)
        #expect(doc.texts("\(Self.root)/dc:DangKyKhaiSinh/dc:NgayDangKy", namespaces: Self.namespaces).isEmpty)
        #expect(doc.texts("\(Self.citizen)/dc:DanToc", namespaces: Self.namespaces).isEmpty)
        #expect(doc.texts("\(Self.citizen)/dc:Me/dc:SoDinhDanh", namespaces: Self.namespaces).isEmpty)
        #expect(doc.text("\(Self.citizen)/dc:Me/dc:NamSinh/dc:KhoangNam/dc:Tu", namespaces: Self.namespaces) == "1954")
        #expect(doc.text("\(Self.citizen)/dc:Me/dc:NamSinh/dc:KhoangNam/dc:Den", namespaces: Self.namespaces) == "1955")
        // A name with no family/middle/given parts (null in the record) has only DayDu.
        let ede = try Self.request(Self.record(at: TestIntake.fixture("valid", "ede-name-combining-breve.json")))
        let edeDoc = try Self.document(ede.body)
        #expect(edeDoc.texts("\(Self.citizen)/dc:HoVaTen/dc:Ho", namespaces: Self.namespaces).isEmpty)
        #expect(edeDoc.texts("\(Self.citizen)/dc:HoVaTen/dc:Ten", namespaces: Self.namespaces).isEmpty)
        #expect(Self.emptyElements(request.body).isEmpty)
        #expect(Self.emptyElements(ede.body).isEmpty)
    }

    @Test("an Ê Đê name goes out with exactly its scalars, ethnicity in QD1019-2008")
    func edeContent() throws {
        let request = try Self.request(Self.record(at: TestIntake.fixture("valid", "ede-name-combining-breve.json")))
        let doc = try Self.document(request.body)
        let full = try #require(doc.text("\(Self.citizen)/dc:HoVaTen/dc:DayDu", namespaces: Self.namespaces))
        #expect(full.unicodeScalars.map(\.value) == [0x48, 0x27, 0x114, 0x4E, 0x20, 0xCA, 0x306, 0x42, 0x41, 0x4E])
        #expect(doc.text("\(Self.citizen)/dc:DanToc", namespaces: Self.namespaces) == "11")
        #expect(doc.text("\(Self.citizen)/dc:DanToc/@HeThongMa", namespaces: Self.namespaces) == "QD1019-2008")
        #expect(
            doc.text("\(Self.root)/dc:DangKyKhaiSinh/dc:CoQuanDangKy/dc:MaTinh", namespaces: Self.namespaces) == "066")
    }

    @Test("a child who already has a PIN sends it, with GioiTinh 1 for a boy")
    func childWithPin() throws {
        let request = try Self.request(Self.record(at: TestIntake.fixture("valid", "child-with-pin.json")))
        let doc = try Self.document(request.body)
        #expect(doc.text("\(Self.citizen)/dc:SoDinhDanh", namespaces: Self.namespaces) == "001226123456")
        #expect(doc.text("\(Self.citizen)/dc:GioiTinh", namespaces: Self.namespaces) == "1")
    }

    /// A child's ethnicity as recorded and as it must go out.
    struct Ethnicity: Sendable, CustomTestStringConvertible {
        var code: String
        var system: String
        var sentCode: String
        var sentSystem: String
        var testDescription: String { "\(system) \(code) → \(sentSystem) \(sentCode)" }
    }

    @Test(
        "ethnicity goes out in QD1019-2008 when the mapping is known, else unchanged with its system",
        arguments: [
            Ethnicity(code: "06", system: "QD121-1979", sentCode: "04", sentSystem: "QD1019-2008"),  // Mường
            Ethnicity(code: "04", system: "QD121-1979", sentCode: "06", sentSystem: "QD1019-2008"),  // Hoa
            Ethnicity(code: "12", system: "QD121-1979", sentCode: "11", sentSystem: "QD1019-2008"),  // Ê-đê
            Ethnicity(code: "20", system: "QD121-1979", sentCode: "20", sentSystem: "QD1019-2008"),  // Mnông
            Ethnicity(code: "21", system: "QD121-1979", sentCode: "19", sentSystem: "QD1019-2008"),  // Ra-glai
            Ethnicity(code: "11", system: "QD121-1979", sentCode: "11", sentSystem: "QD121-1979"),  // Ngái: not known
            Ethnicity(code: "25", system: "QD121-1979", sentCode: "25", sentSystem: "QD121-1979"),  // Giáy: not known
            Ethnicity(code: "04", system: "QD1019-2008", sentCode: "04", sentSystem: "QD1019-2008"),  // already 2008
        ])
    func ethnicityMapping(_ ethnicity: Ethnicity) throws {
        let record = try Self.record(
            at: TestIntake.fixture("valid", "mother-aged-12.json"),
            replacing: [
                (
                    "\"ethnicity\": {\n        \"code\": \"06\",\n        \"codeSystem\": \"QD121-1979\"\n      },\n      \"nationality\": {\n        \"code\": \"VN\",\n        \"codeSystem\": \"ISO3166-1-alpha2\"\n      },\n      \"placeOfBirth\"",
                    "\"ethnicity\": {\"code\": \"\(ethnicity.code)\", \"codeSystem\": \"\(ethnicity.system)\"}, \"nationality\": {\"code\": \"VN\", \"codeSystem\": \"ISO3166-1-alpha2\"}, \"placeOfBirth\""
                )
            ])
        #expect(record.subjects[0].ethnicity == CodedValue(code: ethnicity.code, codeSystem: ethnicity.system))
        let request = try Self.request(record)
        try Self.xsd().validate(request.body)
        let doc = try Self.document(request.body)
        #expect(doc.text("\(Self.citizen)/dc:DanToc", namespaces: Self.namespaces) == ethnicity.sentCode)
        #expect(doc.text("\(Self.citizen)/dc:DanToc/@HeThongMa", namespaces: Self.namespaces) == ethnicity.sentSystem)
    }

    // MARK: every message validates

    @Test(
        "every birth of the samples and of 1,000 generated records maps to a message the XSD accepts",
        .timeLimit(.minutes(3)))
    func everyBirthValidates() throws {
        let intake = try TestIntake.make()
        let validator = try Self.xsd()
        var inputs: [(String, Data)] = try TestPaths.jsonFiles(in: TestPaths.samples).map {
            ($0.lastPathComponent, try Data(contentsOf: $0))
        }
        for seed in [1, 2] {
            inputs += try RecordGenerator.lines(count: 500, seed: seed, mix: "all").enumerated().map {
                ("seed \(seed) line \($0.offset + 1)", $0.element)
            }
        }
        var births = 0
        var sent = 0
        var needsData: [String: Int] = [:]
        var historicalSent = 0
        var rangesSent = 0
        for (label, data) in inputs {
            let accepted = try TestIntake.accept(data, with: intake)
            let record = accepted.record
            guard record.event == .birth else { continue }
            births += 1
            switch PopulationAdapter().prepare(
                Self.job(record, key: "cg1-\(record.source.recordId)-v\(record.source.version)"))
            {
            case .send(let request):
                sent += 1
                if record.registration.kind == "historical" { historicalSent += 1 }
                do {
                    try validator.validate(request.body)
                } catch {
                    Issue.record("\(label): the XSD refuses the message: \(error)")
                    continue
                }
                let doc = try Self.document(request.body)
                let authority = record.registration.authority
                let child = try #require(record.subject("child"))
                #expect(
                    doc.text("\(Self.root)/dc:DangKyKhaiSinh/dc:CoQuanDangKy/dc:MaTinh", namespaces: Self.namespaces)
                        == Self.provinceOf["\(authority.codeSystem):\(authority.code)"], "\(label): MaTinh")
                #expect(
                    doc.text("\(Self.citizen)/dc:GioiTinh", namespaces: Self.namespaces)
                        == (child.sex == .male ? "1" : "2"),
                    "\(label): GioiTinh")
                let full = doc.text("\(Self.citizen)/dc:HoVaTen/dc:DayDu", namespaces: Self.namespaces) ?? ""
                #expect(
                    Self.isNFC(full) && full.unicodeScalars.elementsEqual((child.name?.full ?? "").unicodeScalars),
                    "\(label): DayDu")
                if let ethnicity = child.ethnicity, ethnicity.codeSystem == "QD121-1979" {
                    let expected = Self.qd121ToQd1019[ethnicity.code]
                    #expect(
                        doc.text("\(Self.citizen)/dc:DanToc", namespaces: Self.namespaces) == expected ?? ethnicity.code
                            && doc.text("\(Self.citizen)/dc:DanToc/@HeThongMa", namespaces: Self.namespaces)
                                == (expected == nil ? "QD121-1979" : "QD1019-2008"),
                        "\(label): DanToc")
                }
                #expect(
                    doc.text("\(Self.root)/dc:MaYeuCau", namespaces: Self.namespaces)
                        == "cg1-\(record.source.recordId)-v1")
                if !doc.texts("\(Self.citizen)/dc:Me/dc:NamSinh/dc:KhoangNam", namespaces: Self.namespaces).isEmpty {
                    rangesSent += 1
                }
                #expect(Self.emptyElements(request.body).isEmpty, "\(label): empty elements")
            case .needsData(let fields, _):
                for field in fields { needsData[field, default: 0] += 1 }
            case .unmappable(let code, let detail):
                Issue.record("\(label): a birth was unmappable: \(code) \(detail)")
            case .skip(let reason):
                Issue.record("\(label): assign-pin skipped a birth: \(reason)")
            }
        }
        // Every commune the generator uses is in the adapter's table and every generated child has a
        // determined sex and a birth date, so every birth must be sendable: nothing legitimately parks.
        #expect(births >= 500, "only \(births) births")
        #expect(sent * 10 > births * 9, "\(sent) of \(births) births sent; needs_data by field: \(needsData)")
        #expect(sent == births, "\(births - sent) births parked as needs_data: \(needsData)")
        #expect(historicalSent > 100, "historical births exercised: \(historicalSent)")
        #expect(rangesSent > 5, "mothers recorded by age exercised: \(rangesSent)")
    }

    // MARK: needs data / unmappable

    @Test("a child of undetermined sex cannot be numbered: needs data at the child's sex")
    func unknownSexNeedsData() throws {
        let record = try Self.record(
            at: TestIntake.sample("KS-2026-000000003.json"),
            replacing: [
                (
                    "\"sex\": \"female\",\n      \"birthDate\": {\n        \"value\": \"2026-09-24\"",
                    "\"sex\": \"unknown\",\n      \"birthDate\": {\n        \"value\": \"2026-09-24\""
                )
            ])
        #expect(record.subjects[0].sex == .unknown)
        guard case .needsData(let fields, let detail) = PopulationAdapter().prepare(Self.job(record)) else {
            Issue.record("a child of unknown sex was not needs_data")
            return
        }
        #expect(fields == ["subjects[0].sex"])
        #expect(!detail.isEmpty)
    }

    @Test(
        "a birth registered at a commune outside the adapter's table needs data at the authority code",
        arguments: [
            (
                "\"code\": \"00008\",\n      \"codeSystem\": \"QD19-2025\"",
                "\"code\": \"99999\",\n      \"codeSystem\": \"QD19-2025\""
            ),
            // The same code in the pre-2025 system is another commune, not in the table.
            (
                "\"code\": \"00008\",\n      \"codeSystem\": \"QD19-2025\"",
                "\"code\": \"00008\",\n      \"codeSystem\": \"QD124-2004\""
            ),
        ])
    func unknownCommuneNeedsData(from: String, to: String) throws {
        let record = try Self.record(at: TestIntake.sample("KS-2026-000000003.json"), replacing: [(from, to)])
        guard case .needsData(let fields, _) = PopulationAdapter().prepare(Self.job(record)) else {
            Issue.record("a birth at an unknown commune was not needs_data")
            return
        }
        #expect(fields == ["registration.authority.code"])
    }

    @Test("a non-birth record cannot be mapped to assign-pin; an unknown operation neither")
    func nonBirthIsUnmappable() throws {
        let marriage = try Self.record(at: TestIntake.sample("KH-2026-000000001.json"))
        guard case .unmappable(let code, _) = PopulationAdapter().prepare(Self.job(marriage)) else {
            Issue.record("a marriage was mapped to assign-pin")
            return
        }
        #expect(code == "wrong-event")
        let birth = try Self.record(at: TestIntake.sample("KS-2026-000000003.json"))
        guard
            case .unmappable(let unknown, _) = PopulationAdapter().prepare(
                Self.job(birth, operation: "no-such-operation"))
        else {
            Issue.record("an unknown operation was mapped")
            return
        }
        #expect(unknown == "unknown-operation")
    }

    // Regression: the record schema lets a facility be known by its code alone (anyOf code/name), and
    // writePlace used to open <dc:NoiSinh>, write nothing inside (CoSoYTe needs a name) and close it.
    @Test("a birth place known only by its facility code is not sent as an empty element")
    func facilityCodeOnlyPlace() throws {
        let record = try Self.record(
            at: TestIntake.sample("KS-2026-000000003.json"),
            replacing: [("\"code\": \"79034\",\n          \"name\": \"Bệnh viện Từ Dũ\"", "\"code\": \"79034\"")])
        #expect(record.subjects[0].placeOfBirth?.facility?.code == "79034")
        #expect(record.subjects[0].placeOfBirth?.facility?.name == nil)
        let request = try Self.request(record)
        try Self.xsd().validate(request.body)
        #expect(Self.emptyElements(request.body).isEmpty, "\(Self.emptyElements(request.body))")
    }

    // MARK: keys and confirmations

    @Test("the outbound key is the message id and the Idempotency-Key; the request is deterministic")
    func outboundKey() throws {
        let record = try Self.record(at: TestIntake.fixture("valid", "twin-a.json"))
        let request = try Self.request(record, key: "cg1-3f9a0c-assign-pin")
        #expect(request.method == "POST")
        #expect(request.path == PopulationAdapter.assignPinPath)
        #expect(request.contentType.hasPrefix("application/xml"))
        #expect(request.headers["Idempotency-Key"] == "cg1-3f9a0c-assign-pin")
        let doc = try Self.document(request.body)
        #expect(doc.text("\(Self.root)/dc:MaYeuCau", namespaces: Self.namespaces) == "cg1-3f9a0c-assign-pin")
        #expect(try Self.request(record, key: "cg1-3f9a0c-assign-pin") == request)
        let other = try Self.request(record, key: "cg1-other-key-0002")
        #expect(other.body != request.body)
        #expect(
            String(decoding: other.body, as: UTF8.self).replacingOccurrences(
                of: "cg1-other-key-0002", with: "cg1-3f9a0c-assign-pin")
                == String(decoding: request.body, as: UTF8.self))
    }

    @Test("a confirmed multiple birth says so in XacNhanSinhDoi, and only then")
    func multipleBirthConfirmation() throws {
        let record = try Self.record(at: TestIntake.fixture("valid", "twin-a.json"))
        let confirmed = try Self.request(record, confirmations: [Confirmation.multipleBirth])
        try Self.xsd().validate(confirmed.body)
        #expect(Confirmation.multipleBirth == "multiple-birth-confirmed")
        #expect(String(decoding: confirmed.body, as: UTF8.self).contains("<dc:XacNhanSinhDoi>true</dc:XacNhanSinhDoi>"))
        let doc = try Self.document(confirmed.body)
        #expect(doc.text("\(Self.root)/dc:XacNhanSinhDoi", namespaces: Self.namespaces) == "true")
        let plain = try Self.request(record)
        #expect(!String(decoding: plain.body, as: UTF8.self).contains("XacNhanSinhDoi"))
        #expect(try Self.request(record, confirmations: ["something-else"]).body == plain.body)
    }

    // MARK: replies

    static func ketQua(_ status: String, pin: String? = nil, description: String? = nil) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dc:KetQua xmlns:dc=\"http://www.mic.gov.vn/dancu/1.0\">"
        xml += "<dc:MaYeuCau>\(goldenKey)</dc:MaYeuCau><dc:TrangThai>\(status)</dc:TrangThai>"
        if let pin { xml += "<dc:SoDinhDanh>\(pin)</dc:SoDinhDanh>" }
        if let description { xml += "<dc:MoTa>\(description)</dc:MoTa>" }
        return Array((xml + "</dc:KetQua>\n").utf8)
    }

    static func classify(_ status: Int, _ body: [UInt8], headers: [String: String] = [:]) throws -> DeliveryOutcome {
        let birth = try Self.record(at: TestIntake.sample("KS-2026-000000003.json"))
        return PopulationAdapter().classify(
            DestinationReply(status: status, headers: headers, body: body), for: Self.job(birth))
    }

    @Test("the replies used below are themselves valid KetQua messages")
    func repliesAreContractValid() throws {
        let validator = try Self.xsd()
        try validator.validate(Self.ketQua("DA_CAP", pin: "001226123456"))
        try validator.validate(Self.ketQua("NGHI_TRUNG", description: "nghi trùng"))
        try validator.validate(Self.ketQua("KHONG_HOP_LE", description: "thiếu GioiTinh"))
    }

    @Test("DA_CAP and DA_TON_TAI with a PIN are success with that PIN")
    func successReplies() throws {
        #expect(
            try Self.classify(200, Self.ketQua("DA_CAP", pin: "001226123456"))
                == .success(result: ["pin": "001226123456"]))
        #expect(
            try Self.classify(200, Self.ketQua("DA_TON_TAI", pin: "001226654321"))
                == .success(result: ["pin": "001226654321"]))
    }

    @Test("a success status without a valid PIN is retried as unreadable, never a success")
    func successWithoutPin() throws {
        for body in [
            Self.ketQua("DA_CAP"), Self.ketQua("DA_CAP", pin: "12345"), Self.ketQua("DA_CAP", pin: "00122612345O"),
        ] {
            guard case .retry(let code, _, _) = try Self.classify(200, body) else {
                Issue.record("\(String(decoding: body, as: UTF8.self)) was not retried")
                continue
            }
            #expect(code == "reply-unreadable")
        }
    }

    @Test("409 NGHI_TRUNG is a suspected duplicate for review")
    func duplicateReply() throws {
        guard
            case .review(let code, let detail) = try Self.classify(
                409, Self.ketQua("NGHI_TRUNG", description: "nghi trùng"))
        else {
            Issue.record("NGHI_TRUNG was not review")
            return
        }
        #expect(code == "suspected-duplicate")
        #expect(detail == "nghi trùng")
    }

    @Test("400 KHONG_HOP_LE is a permanent contract violation carrying MoTa")
    func contractViolationReply() throws {
        let outcome = try Self.classify(400, Self.ketQua("KHONG_HOP_LE", description: "thiếu GioiTinh"))
        #expect(outcome == .permanent(code: "contract-violation", detail: "thiếu GioiTinh"))
    }

    @Test("503 with Retry-After: 7 is retried after exactly 7 seconds; without it, no delay is imposed")
    func retryAfterSeconds() throws {
        guard
            case .retry(let code, _, let after) = try Self.classify(
                503, Array("busy".utf8), headers: ["retry-after": "7"])
        else {
            Issue.record("503 was not retried")
            return
        }
        #expect(code == "http-503")
        #expect(after == .seconds(7))
        guard case .retry(_, _, let none) = try Self.classify(500, []) else {
            Issue.record("500 was not retried")
            return
        }
        #expect(none == nil)
    }

    @Test("429 with an HTTP-date Retry-After is retried after a positive delay up to that date")
    func retryAfterDate() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let header = formatter.string(from: Date().addingTimeInterval(120))
        guard case .retry(let code, _, let after) = try Self.classify(429, [], headers: ["retry-after": header]) else {
            Issue.record("429 was not retried")
            return
        }
        #expect(code == "http-429")
        let delay = try #require(after, "Retry-After \(header) was not read")
        #expect(delay > .seconds(100) && delay <= .seconds(121))
    }

    @Test(
        "a 200 whose body is not a KetQua is retried as unreadable",
        arguments: ["<html>502 Bad Gateway</html>", "", "{\"ok\":true}", "<dc:KetQua"])
    func garbageReply(body: String) throws {
        guard case .retry(let code, _, _) = try Self.classify(200, Array(body.utf8)) else {
            Issue.record("garbage was not retried")
            return
        }
        #expect(code == "reply-unreadable")
    }

    @Test("other client errors are permanent with the status in the code")
    func otherClientErrors() throws {
        guard case .permanent(let code, _) = try Self.classify(404, Array("not found".utf8)) else {
            Issue.record("404 was not permanent")
            return
        }
        #expect(code == "http-404")
    }
}
