import CivgateModel

/// Builds the `assign-pin` request (YeuCauCapSoDinhDanh) for a registered birth.
///
/// Optional fields the book lacks are left out, never sent blank; fields the Population Database needs
/// to number a citizen (name, determined sex, birth date, a known registering commune) are required.
struct AssignPinMessage {
    static let namespace = "http://www.mic.gov.vn/dancu/1.0"

    let communes: CommuneTable

    func build(_ job: DeliveryJob) -> PreparedRequest {
        let record = job.record
        guard let childIndex = record.subjects.firstIndex(where: { $0.role == "child" }) else {
            return .needsData(fields: ["subjects[child]"], detail: "a birth record needs a child subject")
        }
        let child = record.subjects[childIndex]
        let childPath = "subjects[\(childIndex)]"
        var missing: [String] = []
        if child.name == nil { missing.append("\(childPath).name") }
        if child.sex == nil || child.sex == .unknown { missing.append("\(childPath).sex") }
        if child.birthDate?.year == nil { missing.append("\(childPath).birthDate") }
        let authority = record.registration.authority
        let commune = communes.lookup(code: authority.code, system: authority.codeSystem)
        if commune == nil { missing.append("registration.authority.code") }
        guard missing.isEmpty, let name = child.name, let sex = child.sex, let birthDate = child.birthDate,
            let commune
        else {
            return .needsData(
                fields: missing,
                detail:
                    "the Population Database needs a named child of determined sex with a birth date, registered at a commune in its code table"
            )
        }

        var xml = XMLWriter(prefix: "dc")
        xml.root("YeuCauCapSoDinhDanh", namespace: Self.namespace, [("PhienBan", "1.0")])
        xml.leaf("MaYeuCau", job.outboundKey)
        if job.confirmations.contains(Confirmation.multipleBirth) { xml.leaf("XacNhanSinhDoi", "true") }
        PopulationXML.writeRegistration("DangKyKhaiSinh", record, provinceCode: commune.provinceCode, into: &xml)

        xml.open("CongDan")
        xml.leaf("SoDinhDanh", child.pin)
        PopulationXML.writeName(name, into: &xml)
        xml.leaf("GioiTinh", PopulationCodes.sex(sex))
        PopulationXML.writeEthnicity(child.ethnicity, into: &xml)
        xml.leaf("QuocTich", child.nationality?.code)
        PopulationXML.writeDate("NgayThangNamSinh", birthDate, into: &xml)
        PopulationXML.writePlace("NoiSinh", child.placeOfBirth, into: &xml)
        PopulationXML.writePlace("QueQuan", child.hometown, into: &xml)
        let eventYear = birthDate.year
        for (role, element) in [("mother", "Me"), ("father", "Cha")] {
            if let parent = record.subject(role), let parentName = parent.name {
                writeParent(element, parent, name: parentName, eventYear: eventYear, into: &xml)
            }
        }
        xml.close("CongDan")
        xml.close("YeuCauCapSoDinhDanh")
        return PopulationXML.request(path: PopulationAdapter.assignPinPath, key: job.outboundKey, xml: xml)
    }

    private func writeParent(
        _ element: String, _ parent: Subject, name: PersonName, eventYear: Int?, into xml: inout XMLWriter
    ) {
        xml.open(element)
        xml.leaf("SoDinhDanh", parent.pin)
        PopulationXML.writeName(name, into: &xml)
        if let range = parent.birthDate?.birthYearRange(eventYear: eventYear) {
            xml.open("NamSinh")
            if range.count == 1 {
                xml.leaf("Nam", String(range.lowerBound))
            } else {
                xml.open("KhoangNam")
                xml.leaf("Tu", String(range.lowerBound))
                xml.leaf("Den", String(range.upperBound))
                xml.close("KhoangNam")
            }
            xml.close("NamSinh")
        }
        PopulationXML.writeEthnicity(parent.ethnicity, into: &xml)
        xml.leaf("QuocTich", parent.nationality?.code)
        PopulationXML.writePlace("NoiCuTru", parent.residence, into: &xml)
        xml.close(element)
    }
}
