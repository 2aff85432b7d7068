import CivgateModel
import Foundation
import InsuranceAdapter
import Testing

/// What the insurance adapter sends, and when it waits for data instead.
@Suite("Insurance adapter mapping")
struct InsuranceAdapterTests {
    let adapter = InsuranceAdapter()

    private func body(_ prepared: PreparedRequest) throws -> JSONValue {
        try JSONValue.parse(try InsuranceFixtures.request(prepared).body)
    }

    private func needsData(_ prepared: PreparedRequest) -> (fields: [String], detail: String)? {
        if case .needsData(let fields, let detail) = prepared { return (fields, detail) }
        return nil
    }

    @Test("a live birth without the assign-pin result waits for subjects[child].pin")
    func cardWaitsForPIN() throws {
        let record = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        let result = try #require(needsData(adapter.prepare(InsuranceFixtures.job(record, "issue-child-card"))))
        #expect(result.fields == ["subjects[child].pin"])
        #expect(!result.detail.contains("LÊ NGỌC HƯƠNG"))
    }

    @Test("the assign-pin result comes before a PIN in the record; the record's PIN serves historical births")
    func pinSources() throws {
        let historical = try InsuranceFixtures.record(named: "KS-2002-000000000.json")
        let own = try body(adapter.prepare(InsuranceFixtures.job(historical, "issue-child-card")))
        #expect(own["maSoBHXH"]?.stringValue == "020202318139")
        let upstream = try body(
            adapter.prepare(InsuranceFixtures.job(historical, "issue-child-card", upstreamPIN: "020202999999")))
        #expect(upstream["maSoBHXH"]?.stringValue == "020202999999")
        let malformed = try body(
            adapter.prepare(InsuranceFixtures.job(historical, "issue-child-card", upstreamPIN: "02020")))
        #expect(malformed["maSoBHXH"]?.stringValue == "020202318139")
    }

    @Test("a birth date to the month or year cannot date a card: needs subjects[child].birthDate")
    func cardNeedsDay() throws {
        var record = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        for partial in [PartialDate.month(year: 2026, month: 9), .year(2026)] {
            record.subjects[0].birthDate = partial
            let result = try #require(
                needsData(
                    adapter.prepare(InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "001326004711"))))
            #expect(result.fields == ["subjects[child].birthDate"])
        }
    }

    @Test("no facility code and no province default: needs the facility, naming the setting to add")
    func facilityMissing() throws {
        let record = try InsuranceFixtures.record(named: "KS-2026-000000006.json")
        let job = InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "001226004712")
        let result = try #require(needsData(adapter.prepare(job)))
        #expect(result.fields == ["subjects[child].placeOfBirth.facility.code"])
        #expect(result.detail.contains("defaultFacility.001"))
        let configured = try body(InsuranceAdapter(settings: ["defaultFacility.001": "01001"]).prepare(job))
        #expect(
            configured["noiDangKyKCBBanDau"] == .object(["ma": .string("01001"), "nguon": .string("mac-dinh-tinh")]))
    }

    @Test("a facility code that is not 5 characters falls back to the province default")
    func malformedFacility() throws {
        var record = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        record.subjects[0].placeOfBirth?.facility?.code = "BV-TU-DU"
        let job = InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "001326004711")
        #expect(needsData(adapter.prepare(job))?.fields == ["subjects[child].placeOfBirth.facility.code"])
        let sent = try body(InsuranceAdapter(settings: ["defaultFacility.001": "01001"]).prepare(job))
        #expect(sent["noiDangKyKCBBanDau"]?["nguon"]?.stringValue == "mac-dinh-tinh")
    }

    @Test(
        "a commune of a province merged in 2025 reports the current province; a default under the old code still applies"
    )
    func mergedProvince() throws {
        var record = try InsuranceFixtures.record(named: "KS-1974-000000002.json")  // Thái Bình (034) → Hưng Yên (033)
        record.subjects[0].placeOfBirth = nil
        let job = InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "034074004713")
        let old = try body(InsuranceAdapter(settings: ["defaultFacility.034": "34001"]).prepare(job))
        #expect(old["maTinh"]?.stringValue == "033")
        #expect(old["noiDangKyKCBBanDau"]?["ma"]?.stringValue == "34001")
        let both = try body(
            InsuranceAdapter(settings: ["defaultFacility.034": "34001", "defaultFacility.033": "33001"]).prepare(job))
        #expect(both["noiDangKyKCBBanDau"]?["ma"]?.stringValue == "33001")
    }

    @Test("an unknown registering commune needs registration.authority.code")
    func unknownCommune() throws {
        var record = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        record.registration.authority.code = "99999"
        let result = try #require(
            needsData(adapter.prepare(InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "001326004711"))))
        #expect(result.fields == ["registration.authority.code"])
    }

    @Test("members the record lacks are absent: no father, a mother without PIN")
    func absentNotEmpty() throws {
        var record = try InsuranceFixtures.record(named: "KS-2026-000000010.json")
        #expect(record.subject("father") == nil)
        record.subjects[1].pin = nil
        let sent = try body(
            adapter.prepare(InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "052326004714")))
        #expect(sent["cha"] == nil)
        #expect(sent["me"]?["soDinhDanh"] == nil)
        #expect(sent["me"]?["hoTen"]?.stringValue != nil)
        let text = String(
            decoding: try InsuranceFixtures.request(
                adapter.prepare(InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "052326004714"))
            ).body, as: UTF8.self)
        #expect(!text.contains("null") && !text.contains("\"\""))
    }

    @Test("a death without PIN or time of death waits for those fields")
    func deathNeedsData() throws {
        var record = try InsuranceFixtures.record(named: "death-live.json")
        record.subjects[0].pin = nil
        #expect(
            needsData(adapter.prepare(InsuranceFixtures.job(record, "report-death")))?.fields == [
                "subjects[deceased].pin"
            ])
        record = try InsuranceFixtures.record(named: "death-live.json")
        record.subjects[0].death?.at = nil
        let result = try #require(needsData(adapter.prepare(InsuranceFixtures.job(record, "report-death"))))
        #expect(result.fields == ["subjects[deceased].death.at"])
        #expect(!result.detail.contains("079041512870"))
    }

    @Test("the date of death is the local date as registered, not the UTC date")
    func deathDate() throws {
        let record = try InsuranceFixtures.record(named: "death-live.json")  // 2026-11-03T00:30:00+07:00
        let sent = try body(adapter.prepare(InsuranceFixtures.job(record, "report-death")))
        #expect(sent["ngayMat"]?.stringValue == "2026-11-03")
    }

    @Test("an update names the person's PIN and sends only what the record has")
    func update() throws {
        var record = try InsuranceFixtures.record(named: "correction-sex.json")
        let full = try body(adapter.prepare(InsuranceFixtures.job(record, "update-participant")))
        #expect(full["maSoBHXH"]?.stringValue == "001321046613")
        #expect(full["gioiTinh"] == .integer(2))
        #expect(full["maSoBHXHCu"] == nil)
        record.subjects[0].birthDate = .age(5)
        let sexOnly = try body(adapter.prepare(InsuranceFixtures.job(record, "update-participant")))
        #expect(sexOnly["ngaySinh"] == nil)
        record.subjects[0].sex = nil
        #expect(
            needsData(adapter.prepare(InsuranceFixtures.job(record, "update-participant")))?.fields
                == ["subjects[person].sex", "subjects[person].birthDate"])
        record.subjects[0].pin = nil
        #expect(
            needsData(adapter.prepare(InsuranceFixtures.job(record, "update-participant")))?.fields.first
                == "subjects[person].pin")
    }

    @Test("an update after a birth uses the child's PIN from assign-pin, never a parent's")
    func updateAfterBirth() throws {
        let record = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        #expect(
            needsData(adapter.prepare(InsuranceFixtures.job(record, "update-participant")))?.fields == [
                "subjects[child].pin"
            ])
        let sent = try body(
            adapter.prepare(InsuranceFixtures.job(record, "update-participant", upstreamPIN: "001326004711")))
        #expect(sent["maSoBHXH"]?.stringValue == "001326004711")
    }

    @Test("operations refuse events they do not serve, and unknown operations")
    func wrongEvents() throws {
        let birth = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        let death = try InsuranceFixtures.record(named: "death-live.json")
        for (record, operation) in [
            (death, "issue-child-card"), (birth, "report-death"), (death, "update-participant"), (birth, "close-card"),
        ] {
            guard case .unmappable = adapter.prepare(InsuranceFixtures.job(record, operation)) else {
                Issue.record("\(operation) on \(record.event) should be unmappable")
                continue
            }
        }
        #expect(adapter.destination == "insurance")
        #expect(adapter.operations == ["issue-child-card", "report-death", "update-participant"])
    }

    @Test("setting problems name the key and never accept a malformed default")
    func settings() throws {
        let problems = InsuranceAdapter.settingProblems([
            "defaultFacility.001": "01001", "defaultFacility.034": "34001", "defaultFacility.1": "01001",
            "defaultFacility.099": "99001", "defaultFacility.079": "7903", "other": "x",
        ])
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { $0.hasPrefix("defaultFacility.") })
        let record = try InsuranceFixtures.record(named: "KS-2026-000000006.json")
        let job = InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "001226004712")
        #expect(needsData(InsuranceAdapter(settings: ["defaultFacility.001": "1001"]).prepare(job)) != nil)
    }
}
