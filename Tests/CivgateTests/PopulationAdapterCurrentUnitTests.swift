import CivgateContracts
import CivgateModel
import CivgateXML
import Foundation
import PopulationAdapter
import Testing

/// Proves the population adapter's current-registrar rule (contracts/README.md, "Current registrar"):
/// `record-death` and `update-citizen` name the registering commune's unit today in
/// `CoQuanDangKy/MaDonViHienTai` and `MaTinhHienTai`; a QD19-2025 authority is its own current unit; a
/// QD124-2004 authority gets its province through the 63→34 province table and no commune unless the
/// table knows its successor; a commune split in 2025 (00016 old Ngọc Hà) waits in `needs_data`;
/// `assign-pin` is unchanged. Also: the province table is the brief's §5.2 table, and the messages of
/// both operations equal their golden files.
///
/// Set `CIVGATE_RECORD_GOLDEN=1` to rewrite the golden files (the run then fails on purpose).
@Suite("PopulationAdapter current registrar")
struct PopulationAdapterCurrentUnitTests {
    static let namespaces = ["dc": "http://www.mic.gov.vn/dancu/1.0"]
    static let key = "cg1-golden-key-0002"

    /// The brief's §5.2 table as written there: new province → the old provinces it took in.
    static let briefTable: [String: [String]] = [
        "01": ["01"], "04": ["04"], "08": ["02", "08"], "11": ["11"], "12": ["12"], "14": ["14"], "20": ["20"],
        "22": ["22"], "38": ["38"], "40": ["40"], "42": ["42"], "46": ["46"], "15": ["10", "15"], "19": ["06", "19"],
        "24": ["24", "27"], "25": ["17", "25", "26"], "31": ["30", "31"], "33": ["33", "34"], "37": ["35", "36", "37"],
        "44": ["44", "45"], "48": ["48", "49"], "51": ["51", "62"], "52": ["52", "64"], "56": ["56", "58"],
        "66": ["54", "66"], "68": ["60", "67", "68"], "75": ["70", "75"], "79": ["74", "77", "79"], "80": ["72", "80"],
        "82": ["82", "87"], "86": ["83", "84", "86"], "91": ["89", "91"], "92": ["92", "93", "94"], "96": ["95", "96"],
    ]

    /// Registering commune → what MaDonViHienTai / MaTinhHienTai must say (typed from the brief, not from
    /// the adapter): nil commune = left out; a missing entry = split, needs data.
    static let expectedCurrent: [String: (commune: String?, province: String)] = [
        "QD19-2025:00004": ("00004", "01"), "QD19-2025:00008": ("00008", "01"), "QD19-2025:26734": ("26734", "79"),
        "QD19-2025:20194": ("20194", "48"), "QD19-2025:24121": ("24121", "66"), "QD19-2025:09880": ("09880", "52"),
        // Thái Bình 34 → Hưng Yên 33; Bình Định 52 → Gia Lai 52; Lạng Sơn 20 unchanged; Bắc Ninh 27 → 24.
        "QD124-2004:12625": (nil, "33"), "QD124-2004:21910": (nil, "52"), "QD124-2004:06169": (nil, "20"),
        "QD124-2004:09217": (nil, "24"),
    ]

    static func xsd() throws -> XMLSchemaValidator {
        try XMLSchemaValidator(schemaAt: ContractFiles.url(ContractFiles.populationSchemaPath))
    }

    static func prepare(_ record: CivilRecord, _ operation: String) -> PreparedRequest {
        PopulationAdapter().prepare(
            DeliveryJob(deliveryID: "dlv_test", record: record, operation: operation, outboundKey: key, attempt: 1))
    }

    static func request(_ record: CivilRecord, _ operation: String) throws -> OutboundRequest {
        switch prepare(record, operation) {
        case .send(let request): return request
        case let other: throw PopulationAdapterTests.NotSent(outcome: "\(other)")
        }
    }

    static func record(_ url: URL, replacing replacements: [(String, String)] = []) throws -> CivilRecord {
        try PopulationAdapterTests.record(at: url, replacing: replacements)
    }

    static func registration(_ operation: String) -> String {
        switch operation {
        case "record-death": "/dc:YeuCauGhiNhanKhaiTu/dc:DangKyKhaiTu/dc:CoQuanDangKy"
        case "update-citizen": "/dc:YeuCauCapNhatCongDan/dc:DangKy/dc:CoQuanDangKy"
        default: "/dc:YeuCauCapSoDinhDanh/dc:DangKyKhaiSinh/dc:CoQuanDangKy"
        }
    }

    static let goldenRecords = TestPaths.golden.appendingPathComponent("population/records")

    // MARK: province table

    @Test("the province table is the brief's 63 → 34 table; every new province keeps one of its old codes")
    func provinceTable() {
        #expect(ProvinceTable.old.count == 63)
        #expect(ProvinceTable.current.count == 34)
        #expect(Set(ProvinceTable.current.keys) == Set(Self.briefTable.keys))
        var fromBrief: [String: String] = [:]
        for (new, olds) in Self.briefTable {
            for old in olds { fromBrief[old] = new }
            #expect(olds.contains(new), "new province \(new) does not keep one of its old codes")
        }
        #expect(fromBrief.count == 63)
        for (old, province) in ProvinceTable.old {
            #expect(province.current == fromBrief[old], "old province \(old) \(province.name)")
            #expect(!province.name.isEmpty)
        }
        // The PIN form (3 digits) and both code systems.
        #expect(ProvinceTable.currentProvince(of: "034", system: "QD124-2004") == "33")
        #expect(ProvinceTable.currentProvince(of: "80", system: "QD124-2004") == "80")
        #expect(ProvinceTable.currentProvince(of: "072", system: "QD124-2004") == "80")
        #expect(ProvinceTable.currentProvince(of: "079", system: "QD19-2025") == "79")
        // A closed code is not a current province.
        #expect(ProvinceTable.currentProvince(of: "034", system: "QD19-2025") == nil)
        #expect(ProvinceTable.currentProvince(of: "03", system: "QD124-2004") == nil)
        #expect(ProvinceTable.current["80"] == "Tây Ninh" && ProvinceTable.old["80"]?.name == "Long An")
    }

    // MARK: content

    @Test("a death at a QD19-2025 commune names the same commune and its province as today's unit")
    func newCommuneDeath() throws {
        let request = try Self.request(
            Self.record(Self.goldenRecords.appendingPathComponent("death-new-commune.json")), "record-death")
        try Self.xsd().validate(request.body)
        let doc = try SafeXMLDocument(bytes: request.body)
        let authority = Self.registration("record-death")
        #expect(doc.text("\(authority)/dc:MaDonViHanhChinh", namespaces: Self.namespaces) == "26734")
        #expect(doc.text("\(authority)/dc:MaTinh", namespaces: Self.namespaces) == "079")
        #expect(doc.text("\(authority)/dc:MaDonViHienTai", namespaces: Self.namespaces) == "26734")
        #expect(doc.text("\(authority)/dc:MaTinhHienTai", namespaces: Self.namespaces) == "79")
    }

    @Test("a death at a pre-2025 commune of a merged province: old MaTinh, current province, no guessed commune")
    func oldCommuneDeath() throws {
        let request = try Self.request(
            Self.record(Self.goldenRecords.appendingPathComponent("death-old-merged-province.json")), "record-death")
        try Self.xsd().validate(request.body)
        let doc = try SafeXMLDocument(bytes: request.body)
        let authority = Self.registration("record-death")
        #expect(doc.text("\(authority)/dc:MaDonViHanhChinh/@HeThongMa", namespaces: Self.namespaces) == "QD124-2004")
        #expect(doc.text("\(authority)/dc:MaTinh", namespaces: Self.namespaces) == "027")
        #expect(doc.texts("\(authority)/dc:MaDonViHienTai", namespaces: Self.namespaces).isEmpty)
        #expect(doc.text("\(authority)/dc:MaTinhHienTai", namespaces: Self.namespaces) == "24")
    }

    @Test("an update at a pre-2025 commune (Thái Bình → Hưng Yên) and at a QD19-2025 commune")
    func updates() throws {
        let old = try Self.request(Self.record(TestIntake.sample("KH-2009-000000009.json")), "update-citizen")
        try Self.xsd().validate(old.body)
        let oldDoc = try SafeXMLDocument(bytes: old.body)
        let authority = Self.registration("update-citizen")
        #expect(oldDoc.text("\(authority)/dc:MaTinh", namespaces: Self.namespaces) == "034")
        #expect(oldDoc.text("\(authority)/dc:MaTinhHienTai", namespaces: Self.namespaces) == "33")
        #expect(oldDoc.texts("\(authority)/dc:MaDonViHienTai", namespaces: Self.namespaces).isEmpty)
        let new = try Self.request(Self.record(TestIntake.sample("KH-2026-000000001.json")), "update-citizen")
        try Self.xsd().validate(new.body)
        let newDoc = try SafeXMLDocument(bytes: new.body)
        #expect(newDoc.text("\(authority)/dc:MaDonViHienTai", namespaces: Self.namespaces) == "09880")
        #expect(newDoc.text("\(authority)/dc:MaTinhHienTai", namespaces: Self.namespaces) == "52")
    }

    @Test("at the split commune 00016 (QD124-2004) deaths and updates need data; assign-pin is unchanged")
    func splitCommune() throws {
        // The sample marriage registered at old Ngọc Hà (00016), split in 2025 into 00004 and 00008.
        let marriage = try Self.record(TestIntake.sample("KH-1978-000000005.json"))
        #expect(marriage.registration.authority.code == "00016")
        guard case .needsData(let fields, let detail) = Self.prepare(marriage, "update-citizen") else {
            Issue.record("an update at a split commune was not needs_data")
            return
        }
        #expect(fields == ["registration.authority.code"])
        #expect(detail.contains("split") && detail.contains("2025") && detail.contains("cannot be derived"))
        // No personal data in the detail: no name, no PIN, no digits at all but the year.
        for subject in marriage.subjects {
            #expect(!detail.contains(subject.name?.full ?? "\u{0}") && !detail.contains(subject.pin ?? "\u{0}"))
        }
        #expect(detail.filter(\.isNumber) == "12025")  // "1 July 2025"

        let death = try Self.record(
            Self.goldenRecords.appendingPathComponent("death-old-merged-province.json"),
            replacing: [("\"code\": \"09217\"", "\"code\": \"00016\"")])
        guard case .needsData(let deathFields, let deathDetail) = Self.prepare(death, "record-death") else {
            Issue.record("a death at a split commune was not needs_data")
            return
        }
        #expect(deathFields == ["registration.authority.code"])
        #expect(deathDetail == detail)

        // Another field missing as well: both are listed, and the detail says both things.
        let noPin = try Self.record(
            Self.goldenRecords.appendingPathComponent("death-old-merged-province.json"),
            replacing: [("\"code\": \"09217\"", "\"code\": \"00016\""), ("\"pin\": \"027126390638\",", "")])
        guard case .needsData(let both, let bothDetail) = Self.prepare(noPin, "record-death") else {
            Issue.record("a death without PIN at a split commune was not needs_data")
            return
        }
        #expect(both == ["subjects[0].pin", "registration.authority.code"])
        #expect(bothDetail.contains("PIN") && bothDetail.contains("split"))

        // A birth at the split commune still gets its PIN with the province of its time, and no current unit.
        let birth = try Self.record(
            TestIntake.sample("KS-1974-000000002.json"), replacing: [("\"code\": \"12625\"", "\"code\": \"00016\"")])
        #expect(birth.registration.authority.code == "00016")
        let request = try Self.request(birth, "assign-pin")
        let doc = try SafeXMLDocument(bytes: request.body)
        let authority = Self.registration("assign-pin")
        #expect(doc.text("\(authority)/dc:MaTinh", namespaces: Self.namespaces) == "001")
        #expect(doc.texts("\(authority)/dc:MaDonViHienTai", namespaces: Self.namespaces).isEmpty)
        #expect(doc.texts("\(authority)/dc:MaTinhHienTai", namespaces: Self.namespaces).isEmpty)
        #expect(!String(decoding: request.body, as: UTF8.self).contains("HienTai"))
    }

    @Test("assign-pin never carries the current unit, for any sample birth")
    func assignPinUnchanged() throws {
        for url in TestPaths.jsonFiles(in: TestPaths.samples) {
            let record = try Self.record(url)
            guard record.event == .birth, case .send(let request) = Self.prepare(record, "assign-pin") else { continue }
            #expect(!String(decoding: request.body, as: UTF8.self).contains("HienTai"), "\(url.lastPathComponent)")
        }
    }

    @Test(
        "every generated death and marriage: sent with the expected current unit and XSD-valid, or split",
        .timeLimit(.minutes(3)))
    func everyGeneratedEvent() throws {
        let intake = try TestIntake.make()
        let validator = try Self.xsd()
        var sent = 0
        var split = 0
        var oldSent = 0
        for seed in [1, 2] {
            for (index, line) in try RecordGenerator.lines(count: 400, seed: seed, mix: "all").enumerated() {
                let record = try TestIntake.accept(line, with: intake).record
                let operation: String
                switch record.event {
                case .death: operation = "record-death"
                case .marriage: operation = "update-citizen"
                default: continue
                }
                let label = "seed \(seed) line \(index + 1)"
                let authority = record.registration.authority
                let expected = Self.expectedCurrent["\(authority.codeSystem):\(authority.code)"]
                switch Self.prepare(record, operation) {
                case .send(let request):
                    sent += 1
                    if authority.codeSystem == "QD124-2004" { oldSent += 1 }
                    do { try validator.validate(request.body) } catch {
                        Issue.record("\(label): the XSD refuses the message: \(error)")
                        continue
                    }
                    let doc = try SafeXMLDocument(bytes: request.body)
                    let path = Self.registration(operation)
                    #expect(expected != nil, "\(label): sent from \(authority.codeSystem):\(authority.code)")
                    #expect(
                        doc.text("\(path)/dc:MaDonViHienTai", namespaces: Self.namespaces) == expected?.commune,
                        "\(label)")
                    #expect(
                        doc.text("\(path)/dc:MaTinhHienTai", namespaces: Self.namespaces) == expected?.province,
                        "\(label)")
                case .needsData(let fields, _):
                    split += 1
                    #expect(
                        authority.code == "00016" && authority.codeSystem == "QD124-2004", "\(label): needs \(fields)")
                    #expect(fields == ["registration.authority.code"], "\(label)")
                default:
                    Issue.record("\(label): neither sent nor needs data")
                }
            }
        }
        #expect(sent > 150 && oldSent > 50 && split > 5, "sent \(sent), of them pre-2025 \(oldSent); split \(split)")
    }

    // MARK: golden files

    struct Golden: Sendable, CustomTestStringConvertible {
        var operation: String
        var name: String
        var source: URL
        var golden: URL { TestPaths.golden.appendingPathComponent("population/\(operation)/\(name).xml") }
        var testDescription: String { "\(operation)/\(name)" }
    }

    static let goldens: [Golden] = [
        Golden(
            operation: "record-death", name: "death-new-commune",
            source: goldenRecords.appendingPathComponent("death-new-commune.json")),
        Golden(
            operation: "record-death", name: "death-old-merged-province",
            source: goldenRecords.appendingPathComponent("death-old-merged-province.json")),
        Golden(
            operation: "update-citizen", name: "KH-2026-000000001", source: TestIntake.sample("KH-2026-000000001.json")),
        Golden(
            operation: "update-citizen", name: "KH-2009-000000009", source: TestIntake.sample("KH-2009-000000009.json")),
    ]

    @Test("record-death and update-citizen messages equal their golden files byte for byte", arguments: goldens)
    func matchesGolden(_ golden: Golden) throws {
        let request = try Self.request(Self.record(golden.source), golden.operation)
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
        #expect(Data(request.body) == expected, "differs from \(golden.golden.lastPathComponent)")
    }
}
