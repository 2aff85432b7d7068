import CivgateModel

/// The parts shared by every Population Database message.
enum PopulationXML {
    static func writeRegistration(_ element: String, _ record: CivilRecord, provinceCode: String, into xml: inout XMLWriter) {
        let authority = record.registration.authority
        xml.open(element)
        xml.open("CoQuanDangKy")
        xml.leaf("MaDonViHanhChinh", authority.code, [("HeThongMa", authority.codeSystem)])
        xml.leaf("MaTinh", provinceCode)
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
