import CivgateModel

/// Builds the `record-death` request (YeuCauGhiNhanKhaiTu): the Population Database closes the record of
/// the citizen with this PIN. The registration names the registering commune's unit today
/// (`MaDonViHienTai`, `MaTinhHienTai`); a pre-2025 commune split in 2025 waits in `needs_data`.
struct RecordDeathMessage {
    let communes: CommuneTable

    func build(_ job: DeliveryJob) -> PreparedRequest {
        let record = job.record
        guard let index = record.subjects.firstIndex(where: { $0.role == "deceased" }) else {
            return .needsData(fields: ["subjects[deceased]"], detail: "a death record needs a deceased subject")
        }
        let deceased = record.subjects[index]
        let path = "subjects[\(index)]"
        var missing: [String] = []
        if deceased.pin == nil { missing.append("\(path).pin") }
        if deceased.name == nil { missing.append("\(path).name") }
        if deceased.death?.at == nil { missing.append("\(path).death.at") }
        let authority = record.registration.authority
        let commune = communes.lookup(code: authority.code, system: authority.codeSystem)
        let current = communes.current(code: authority.code, system: authority.codeSystem)
        let split = if case .split? = current { true } else { false }
        if commune == nil || split { missing.append("registration.authority.code") }
        guard missing.isEmpty, let pin = deceased.pin, let name = deceased.name, let at = deceased.death?.at,
            let commune
        else {
            let detail =
                "the Population Database closes a citizen's record by PIN and needs the time of death and a known commune"
            return .needsData(
                fields: missing, detail: PopulationXML.needsDataDetail(detail, missing: missing, split: split))
        }
        var xml = XMLWriter(prefix: "dc")
        xml.root("YeuCauGhiNhanKhaiTu", namespace: AssignPinMessage.namespace, [("PhienBan", "1.0")])
        xml.leaf("MaYeuCau", job.outboundKey)
        PopulationXML.writeRegistration(
            "DangKyKhaiTu", record, provinceCode: commune.provinceCode, current: current, into: &xml)
        xml.open("NguoiChet")
        xml.leaf("SoDinhDanh", pin)
        PopulationXML.writeName(name, into: &xml)
        xml.leaf("GioiTinh", deceased.sex.map(PopulationCodes.sex))
        PopulationXML.writeDate("NgayThangNamSinh", deceased.birthDate, into: &xml)
        xml.leaf("ThoiDiemChet", at)
        PopulationXML.writePlace("NoiChet", deceased.death?.place, into: &xml)
        xml.leaf("NguyenNhan", deceased.death?.cause)
        if let notice = deceased.death?.notice, notice.number != nil || notice.issuer != nil {
            xml.open("GiayBaoTu")
            xml.leaf("So", notice.number)
            xml.leaf("NoiCap", notice.issuer)
            xml.close("GiayBaoTu")
        }
        xml.close("NguoiChet")
        xml.close("YeuCauGhiNhanKhaiTu")
        return PopulationXML.request(path: PopulationAdapter.recordDeathPath, key: job.outboundKey, xml: xml)
    }
}
