import CivgateModel

/// Builds `issue-child-card` (POST /bhyt/v1/the-tre-em) for a registered birth.
///
/// The card is issued on the child's PIN: the `assign-pin` result, else the PIN the record already
/// carries (historical records). The validity rule needs the day of birth; the initial-care facility is
/// the facility of birth, else the province default from the settings.
struct ChildCardRequest {
    struct Body: JSONMessage {
        var maYeuCau: String
        var maSoBHXH: String
        var hoTen: String
        var ngaySinh: MessageParts.BirthDate
        var gioiTinh: Int
        var maDoiTuong = "TE"
        var mucHuong = 1
        var giaTriTu: String
        var giaTriDen: String
        var noiDangKyKCBBanDau: MessageParts.Facility
        var maTinh: String
        var hoSoNguon: MessageParts.SourceRecord
        var me: MessageParts.Parent?
        var cha: MessageParts.Parent?

        var json: JSONValue {
            .members([
                "maYeuCau": .text(maYeuCau), "maSoBHXH": .text(maSoBHXH), "hoTen": .text(hoTen),
                "ngaySinh": ngaySinh.json, "gioiTinh": .number(gioiTinh), "maDoiTuong": .text(maDoiTuong),
                "mucHuong": .number(mucHuong), "giaTriTu": .text(giaTriTu), "giaTriDen": .text(giaTriDen),
                "noiDangKyKCBBanDau": noiDangKyKCBBanDau.json, "maTinh": .text(maTinh), "hoSoNguon": hoSoNguon.json,
                "me": me?.json, "cha": cha?.json,
            ])
        }
    }

    let provinces: ProvinceCodes
    let facilities: FacilityDefaults

    func build(_ job: DeliveryJob) -> PreparedRequest {
        let record = job.record
        guard let (child, path) = MessageParts.subject("child", in: record) else {
            return .needsData(fields: ["subjects[child]"], detail: "a birth record needs a child subject")
        }
        var missing: [String] = []
        var reasons: [String] = []
        let pin = Self.pin(job, child: child)
        if pin == nil {
            missing.append("\(path).pin")
            reasons.append("the card is issued on the child's PIN (from assign-pin or the record)")
        }
        if child.name == nil { missing.append("\(path).name") }
        if child.sex == nil { missing.append("\(path).sex") }
        let birth = Self.day(child.birthDate)
        if birth == nil {
            missing.append("\(path).birthDate")
            reasons.append("the validity rule needs the birth date to the day")
        }
        let authority = record.registration.authority
        let province = provinces.province(commune: authority.code, system: authority.codeSystem)
        if province == nil {
            missing.append("registration.authority.code")
            reasons.append("the registering commune is not in the adapter's commune table")
        }
        let facility = Self.facility(of: child, province: province, defaults: facilities)
        if facility == nil {
            missing.append("\(path).placeOfBirth.facility.code")
            reasons.append(
                "the place of birth has no 5-character facility code"
                    + (province.map { " and the setting \(FacilityDefaults.key(for: $0)) is not configured" } ?? ""))
        }
        if let birth, !job.today.isEmpty {
            // Historical births arrive by the million: a card that would already have ended is not issued.
            let effective = record.registration.date.flatMap { CalendarDay(iso: $0) } ?? birth
            if CardValidity.validTo(birth: birth, on: effective).iso < job.today {
                return .skip(reason: "not-applicable: the child is past the age of the child card (72 months)")
            }
        }
        guard missing.isEmpty, let pin, let name = child.name, let sex = child.sex, let birth, let province,
            let facility, let birthDate = child.birthDate.flatMap(MessageParts.BirthDate.init)
        else {
            let because = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
            return .needsData(
                fields: missing, detail: "a child card needs a named child with a PIN, sex and birth date" + because)
        }
        let effective = record.registration.date.flatMap { CalendarDay(iso: $0) } ?? birth
        let body = Body(
            maYeuCau: job.outboundKey, maSoBHXH: pin, hoTen: name.full, ngaySinh: birthDate,
            gioiTinh: MessageParts.sex(sex), giaTriTu: birth.iso,
            giaTriDen: CardValidity.validTo(birth: birth, on: effective).iso, noiDangKyKCBBanDau: facility,
            maTinh: province.current, hoSoNguon: MessageParts.SourceRecord(record.source),
            me: Self.parent(record.subject("mother")), cha: Self.parent(record.subject("father")))
        return JSONBody.post(InsuranceAdapter.issueChildCardPath, key: job.outboundKey, body: body)
    }

    /// The `assign-pin` result, else the child's PIN in the record; `nil` when neither is a valid PIN.
    static func pin(_ job: DeliveryJob, child: Subject) -> String? {
        [job.upstreamResults["assign-pin"]?["pin"], child.pin]
            .compactMap { $0 }
            .first { PersonalIdentificationNumber($0) != nil }
    }

    private static func day(_ date: PartialDate?) -> CalendarDay? {
        guard case .day(let year, let month, let day) = date else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    private static func facility(
        of child: Subject, province: ProvinceCodes.Province?, defaults: FacilityDefaults
    ) -> MessageParts.Facility? {
        if let code = child.placeOfBirth?.facility?.code, FacilityDefaults.isFacilityCode(code) {
            return MessageParts.Facility(ma: code, nguon: "co-so-sinh")
        }
        guard let province, let code = defaults.facility(for: province) else { return nil }
        return MessageParts.Facility(ma: code, nguon: "mac-dinh-tinh")
    }

    private static func parent(_ subject: Subject?) -> MessageParts.Parent? {
        guard let subject, let name = subject.name else { return nil }
        return MessageParts.Parent(hoTen: name.full, soDinhDanh: subject.pin)
    }
}
