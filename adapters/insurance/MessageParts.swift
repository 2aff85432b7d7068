import CivgateModel

/// Members shared by the three BHXH messages (`contracts/insurance/insurance.openapi.yaml`).
enum MessageParts {
    /// `hoSoNguon`: the registry's id of the record.
    struct SourceRecord: JSONMessage {
        var heThong: String
        var maHoSo: String
        var phienBan: Int

        init(_ source: SourceReference) {
            heThong = source.system
            maHoSo = source.recordId
            phienBan = source.version
        }

        var json: JSONValue {
            .members(["heThong": .text(heThong), "maHoSo": .text(maHoSo), "phienBan": .number(phienBan)])
        }
    }

    /// `ngaySinh`: a birth date with its precision; `nil` for an age (no date to send).
    struct BirthDate: JSONMessage {
        var giaTri: String
        var doChinhXac: String

        init?(_ date: PartialDate) {
            guard let value = date.isoValue else { return nil }
            giaTri = value
            doChinhXac = date.precision
        }

        var json: JSONValue { .members(["giaTri": .text(giaTri), "doChinhXac": .text(doChinhXac)]) }
    }

    /// `noiDangKyKCBBanDau`: the initial-care facility and where its code came from.
    struct Facility: JSONMessage {
        var ma: String
        var nguon: String

        var json: JSONValue { .members(["ma": .text(ma), "nguon": .text(nguon)]) }
    }

    /// `me` / `cha`.
    struct Parent: JSONMessage {
        var hoTen: String
        var soDinhDanh: String?

        var json: JSONValue { .members(["hoTen": .text(hoTen), "soDinhDanh": .text(soDinhDanh)]) }
    }

    /// `gioiTinh`: 1 male, 2 female, 3 undetermined.
    static func sex(_ sex: Sex) -> Int {
        switch sex {
        case .male: 1
        case .female: 2
        case .unknown: 3
        }
    }

    /// The subject with `role` and its path for needs-data reports (`subjects[child]`, the form the
    /// registry uses in `quality.missingInSource`).
    static func subject(_ role: String, in record: CivilRecord) -> (subject: Subject, path: String)? {
        record.subject(role).map { ($0, "subjects[\(role)]") }
    }
}
