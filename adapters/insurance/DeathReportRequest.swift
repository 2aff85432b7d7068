import CivgateModel

/// Builds `report-death` (POST /bhyt/v1/bao-tu): the deceased's PIN, name and date of death.
struct DeathReportRequest {
    struct Body: JSONMessage {
        var maYeuCau: String
        var maSoBHXH: String
        var hoTen: String
        var ngayMat: String
        var hoSoNguon: MessageParts.SourceRecord

        var json: JSONValue {
            .members([
                "maYeuCau": .text(maYeuCau), "maSoBHXH": .text(maSoBHXH), "hoTen": .text(hoTen),
                "ngayMat": .text(ngayMat), "hoSoNguon": hoSoNguon.json,
            ])
        }
    }

    func build(_ job: DeliveryJob) -> PreparedRequest {
        let record = job.record
        guard let (deceased, path) = MessageParts.subject("deceased", in: record) else {
            return .needsData(fields: ["subjects[deceased]"], detail: "a death record needs a deceased subject")
        }
        var missing: [String] = []
        let pin = deceased.pin.flatMap(PersonalIdentificationNumber.init)
        if pin == nil { missing.append("\(path).pin") }
        if deceased.name == nil { missing.append("\(path).name") }
        let date = Self.localDate(deceased.death?.at)
        if date == nil { missing.append("\(path).death.at") }
        guard missing.isEmpty, let pin, let name = deceased.name, let date else {
            return .needsData(
                fields: missing,
                detail: "a death report needs the deceased's PIN (the insurance code), name and date of death")
        }
        let body = Body(
            maYeuCau: job.outboundKey, maSoBHXH: pin.digits, hoTen: name.full, ngayMat: date.iso,
            hoSoNguon: MessageParts.SourceRecord(record.source))
        return JSONBody.post(InsuranceAdapter.reportDeathPath, key: job.outboundKey, body: body)
    }

    /// The date part of `at` as written: the local date at the offset the registry recorded, which is
    /// the date on the death certificate (no conversion to UTC, which could move it a day).
    static func localDate(_ at: String?) -> CalendarDay? {
        at.flatMap { CalendarDay(iso: String($0.prefix(10))) }
    }
}
