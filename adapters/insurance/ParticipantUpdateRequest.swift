import CivgateModel

/// Builds `update-participant` (POST /bhyt/v1/cap-nhat) after a correction, change or other event that
/// may alter a person's PIN, sex or birth date: the person's PIN with their current sex and birth date.
///
/// The person is the subject with role `person`, else `child`, `adoptee` or `ward`, else the first subject
/// with a PIN. `maSoBHXHCu` (the previous PIN) is never sent: the export format has no field for it, and
/// the adapter sees one record version, not the one before.
struct ParticipantUpdateRequest {
    struct Body: JSONMessage {
        var maYeuCau: String
        var maSoBHXH: String
        var gioiTinh: Int?
        var ngaySinh: MessageParts.BirthDate?
        var hoSoNguon: MessageParts.SourceRecord

        var json: JSONValue {
            .members([
                "maYeuCau": .text(maYeuCau), "maSoBHXH": .text(maSoBHXH), "gioiTinh": .number(gioiTinh),
                "ngaySinh": ngaySinh?.json, "hoSoNguon": hoSoNguon.json,
            ])
        }
    }

    static let preferredRoles = ["person", "child", "adoptee", "ward"]

    func build(_ job: DeliveryJob) -> PreparedRequest {
        let record = job.record
        guard let (subject, path) = Self.person(in: record) else {
            return .needsData(fields: ["subjects[person]"], detail: "an update needs the person concerned, with a PIN")
        }
        var pin = subject.pin
        if pin == nil, subject.role == "child" { pin = job.upstreamResults["assign-pin"]?["pin"] }
        let birthDate = subject.birthDate.flatMap(MessageParts.BirthDate.init)
        var missing: [String] = []
        if pin.flatMap(PersonalIdentificationNumber.init) == nil { missing.append("\(path).pin") }
        if subject.sex == nil && birthDate == nil { missing += ["\(path).sex", "\(path).birthDate"] }
        guard missing.isEmpty, let pin else {
            return .needsData(fields: missing, detail: "an update needs the person's PIN and their sex or birth date")
        }
        let body = Body(
            maYeuCau: job.outboundKey, maSoBHXH: pin, gioiTinh: subject.sex.map(MessageParts.sex), ngaySinh: birthDate,
            hoSoNguon: MessageParts.SourceRecord(record.source))
        return JSONBody.post(InsuranceAdapter.updateParticipantPath, key: job.outboundKey, body: body)
    }

    /// The subject the update is about, and its needs-data path.
    static func person(in record: CivilRecord) -> (subject: Subject, path: String)? {
        for role in preferredRoles {
            if let found = MessageParts.subject(role, in: record) { return found }
        }
        return record.subjects.first { $0.pin != nil }.map { ($0, "subjects[\($0.role)]") }
    }
}
