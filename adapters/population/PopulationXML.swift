import CivgateModel

/// The parts shared by every Population Database message.
enum PopulationXML {
    /// Why a `record-death` or `update-citizen` waits when the registering commune was split in 2025
    /// (codes and rules only, no personal data).
    static let splitCommuneDetail =
        "the registering commune was split between several communes on 1 July 2025: the commune that keeps its registers now cannot be derived from the record"

    /// The detail of a `needs_data`: the split-commune reason alone when that is all that is missing,
    /// else `base`, followed by the split-commune reason when it also applies.
    static func needsDataDetail(_ base: String, missing: [String], split: Bool) -> String {
        guard split else { return base }
        return missing == ["registration.authority.code"] ? splitCommuneDetail : base + "; " + splitCommuneDetail
    }

    /// The registration block. `current` (record-death and update-citizen) adds the registering
    /// commune's unit today: `MaDonViHienTai` when known, `MaTinhHienTai`; assign-pin sends neither (the
    /// PIN keeps the province of its time).
    static func writeRegistration(
        _ element: String, _ record: CivilRecord, provinceCode: String, current: CommuneTable.CurrentUnit? = nil,
        into xml: inout XMLWriter
    ) {
        let authority = record.registration.authority
        xml.open(element)
        xml.open("CoQuanDangKy")
        xml.leaf("MaDonViHanhChinh", authority.code, [("HeThongMa", authority.codeSystem)])
        xml.leaf("MaTinh", provinceCode)
        if case .known(let commune, let province)? = current {
            xml.leaf("MaDonViHienTai", commune)
            xml.leaf("MaTinhHienTai", province)
        }
        xml.leaf("Ten", authority.name)
        xml.close("CoQuanDangKy")
        xml.leaf("SoQuyen", record.registration.book)
        xml.leaf("SoDangKy", record.registration.number)
        xml.leaf("NgayDangKy", record.registration.date)
        xml.leaf("LoaiDangKy", record.registration.kind)
        xml.leaf(
            "MaHoSoNguon", record.source.recordId,
            [("HeThong", record.source.system), ("PhienBan", String(record.source.version))])
        xml.close(element)
    }

    static func writeName(_ name: PersonName, into xml: inout XMLWriter) {
        xml.open("HoVaTen")
        xml.leaf("Ho", name.family)
        xml.leaf("ChuDem", name.middle)
        xml.leaf("Ten", name.given)
        xml.leaf("DayDu", name.full)
        xml.close("HoVaTen")
    }

    static func writeEthnicity(_ ethnicity: CodedValue?, into xml: inout XMLWriter) {
        guard let ethnicity else { return }
        let outbound = EthnicityTable.outbound(code: ethnicity.code, system: ethnicity.codeSystem)
        xml.leaf("DanToc", outbound.code, [("HeThongMa", outbound.system)])
    }

    /// A date as precise as the book; an age at the event has no date and is left out.
    static func writeDate(_ element: String, _ date: PartialDate?, into xml: inout XMLWriter) {
        guard let date, date.year != nil else { return }
        xml.open(element)
        switch date {
        case .day: xml.leaf("NgayThangNam", date.isoValue)
        case .month: xml.leaf("ThangNam", date.isoValue)
        default: xml.leaf("Nam", date.year.map { String($0) })
        }
        xml.close(element)
    }

    static func writePlace(_ element: String, _ place: Place?, into xml: inout XMLWriter) {
        // A facility known by code alone cannot be written (CoSoYTe needs its name): leave it out rather
        // than send an empty element.
        guard let place, place.facility?.name != nil || place.unit != nil || place.text != nil else { return }
        xml.open(element)
        if let facility = place.facility, let facilityName = facility.name {
            xml.leaf("CoSoYTe", facilityName, facility.code.map { [("Ma", $0)] } ?? [])
        }
        if let unit = place.unit { xml.leaf("MaDonViHanhChinh", unit.code, [("HeThongMa", unit.codeSystem)]) }
        xml.leaf("ChiTiet", place.text)
        xml.close(element)
    }

    /// The request with the body and the outbound key as header.
    static func request(path: String, key: String, xml: XMLWriter) -> PreparedRequest {
        .send(
            OutboundRequest(
                method: "POST", path: path, contentType: "application/xml; charset=utf-8",
                headers: ["Idempotency-Key": key], body: Array(xml.output.utf8)))
    }
}
