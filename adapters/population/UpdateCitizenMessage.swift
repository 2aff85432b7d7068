import CivgateModel

/// Builds the `update-citizen` request (YeuCauCapNhatCongDan) for events that change citizen records,
/// and for a newer version of an already delivered birth. The registration names the registering
/// commune's unit today (`MaDonViHienTai`, `MaTinhHienTai`); a pre-2025 commune split in 2025 waits in
/// `needs_data`.
struct UpdateCitizenMessage {
    let communes: CommuneTable

    /// Roles the update is about; they must carry a PIN. Others are sent as related people.
    static let principalRoles: Set<String> = [
        "child", "person", "husband", "wife", "adoptee", "ward", "registrant", "subject",
    ]

    func build(_ job: DeliveryJob) -> PreparedRequest {
        let record = job.record
        var principals: [(index: Int, subject: Subject, pin: String?)] = []
        for (index, subject) in record.subjects.enumerated() where Self.principalRoles.contains(subject.role) {
            // A birth's child got its PIN from assign-pin (an earlier version's result is inherited).
            let pin = subject.pin ?? (subject.role == "child" ? job.upstreamResults["assign-pin"]?["pin"] : nil)
            principals.append((index, subject, pin))
        }
        var missing = principals.filter { $0.pin == nil }.map { "subjects[\($0.index)].pin" }
        if principals.isEmpty { missing.append("subjects[person]") }
        let authority = record.registration.authority
        let commune = communes.lookup(code: authority.code, system: authority.codeSystem)
        let current = communes.current(code: authority.code, system: authority.codeSystem)
        let split = if case .split? = current { true } else { false }
        if commune == nil || split { missing.append("registration.authority.code") }
        guard missing.isEmpty, let commune else {
            let detail =
                "the Population Database updates citizens by PIN: every person the event is about needs one, at a known commune"
            return .needsData(
                fields: missing, detail: PopulationXML.needsDataDetail(detail, missing: missing, split: split))
        }
        var xml = XMLWriter(prefix: "dc")
        xml.root("YeuCauCapNhatCongDan", namespace: AssignPinMessage.namespace, [("PhienBan", "1.0")])
        xml.leaf("MaYeuCau", job.outboundKey)
        xml.leaf("LoaiSuKien", record.event.rawValue)
        PopulationXML.writeRegistration(
            "DangKy", record, provinceCode: commune.provinceCode, current: current, into: &xml)
        PopulationXML.writeDate("NgayXacLap", record.marriage?.establishedOn, into: &xml)
        for principal in principals {
            let subject = principal.subject
            xml.open("CongDan")
            xml.leaf("VaiTro", subject.role)
            xml.leaf("SoDinhDanh", principal.pin)
            if let name = subject.name { PopulationXML.writeName(name, into: &xml) }
            xml.leaf("GioiTinh", subject.sex.map(PopulationCodes.sex))
            PopulationXML.writeEthnicity(subject.ethnicity, into: &xml)
            xml.leaf("QuocTich", subject.nationality?.code)
            PopulationXML.writeDate("NgayThangNamSinh", subject.birthDate, into: &xml)
            PopulationXML.writePlace("NoiCuTru", subject.residence, into: &xml)
            xml.close("CongDan")
        }
        for subject in record.subjects where !Self.principalRoles.contains(subject.role) {
            guard let name = subject.name else { continue }
            xml.open("NguoiLienQuan")
            xml.leaf("VaiTro", subject.role)
            xml.leaf("SoDinhDanh", subject.pin)
            PopulationXML.writeName(name, into: &xml)
            xml.close("NguoiLienQuan")
        }
        xml.close("YeuCauCapNhatCongDan")
        return PopulationXML.request(path: PopulationAdapter.updateCitizenPath, key: job.outboundKey, xml: xml)
    }
}
