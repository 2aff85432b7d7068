public import CivgateModel

/// The mock's checks of `contracts/insurance/insurance.openapi.yaml`, member by member, plus the rules a
/// schema cannot say: dates that exist, `giaTriTu` = the birth date, `giaTriDen` by the validity rule.
///
/// Written by hand from the contract (not generated from the adapter), so that a message the adapter
/// gets wrong is refused here with a `loi` naming the member.
public enum InsuranceContract {
    /// The three operations, by their `operationId`.
    public enum Operation: String, Sendable, CaseIterable {
        /// `POST /bhyt/v1/the-tre-em`.
        case issueChildCard = "issue-child-card"
        /// `POST /bhyt/v1/bao-tu`.
        case reportDeath = "report-death"
        /// `POST /bhyt/v1/cap-nhat`.
        case updateParticipant = "update-participant"

        /// The request path of the operation.
        public var path: String {
            switch self {
            case .issueChildCard: "/bhyt/v1/the-tre-em"
            case .reportDeath: "/bhyt/v1/bao-tu"
            case .updateParticipant: "/bhyt/v1/cap-nhat"
            }
        }
    }

    /// Every contract problem of a request body; empty when the body is valid.
    public static func violations(_ operation: Operation, body: [UInt8]) -> [InsuranceFieldError] {
        guard let document = try? JSONValue.parse(body) else {
            return [InsuranceFieldError(truong: "$", moTa: "the body is not JSON")]
        }
        return violations(operation, document: document)
    }

    /// Every contract problem of a parsed request; empty when it is valid.
    public static func violations(_ operation: Operation, document: JSONValue) -> [InsuranceFieldError] {
        var checker = ContractChecker()
        switch operation {
        case .issueChildCard: checkChildCard(document, &checker)
        case .reportDeath: checkDeath(document, &checker)
        case .updateParticipant: checkUpdate(document, &checker)
        }
        return checker.problems
    }

    private static func checkChildCard(_ document: JSONValue, _ checker: inout ContractChecker) {
        let allowed: Set = [
            "maYeuCau", "maSoBHXH", "hoTen", "ngaySinh", "gioiTinh", "maDoiTuong", "mucHuong", "giaTriTu", "giaTriDen",
            "noiDangKyKCBBanDau", "maTinh", "hoSoNguon", "me", "cha",
        ]
        guard let members = checker.object(document, at: "", allowed: allowed) else { return }
        checkCommon(members, &checker)
        _ = checker.string(members, "hoTen", in: "", required: true, rule: "must have 1 to 200 characters") {
            ContractShapes.text($0, maximum: 200)
        }
        let birth = checkBirthDate(members, required: true, dayOnly: true, &checker)
        _ = checker.integer(members, "gioiTinh", in: "", required: true, rule: "must be 1, 2 or 3", allowed: 1...3)
        _ = checker.string(members, "maDoiTuong", in: "", required: true, rule: "must be TE (children under 6)") {
            $0 == "TE"
        }
        _ = checker.integer(members, "mucHuong", in: "", required: true, rule: "must be 1 for group TE", allowed: 1...1)
        let from = checker.string(
            members, "giaTriTu", in: "", required: true, rule: "must be an existing date YYYY-MM-DD"
        ) {
            MockCardRule.day($0) != nil
        }
        let to = checker.string(
            members, "giaTriDen", in: "", required: true, rule: "must be an existing date YYYY-MM-DD"
        ) {
            MockCardRule.day($0) != nil
        }
        if let birth, let from, from != birth {
            checker.fail("giaTriTu", "must equal the birth date (ngaySinh.giaTri)")
        }
        if let birth, let to, to != MockCardRule.validTo(birth: birth) {
            checker.fail("giaTriDen", "does not follow the card validity rule for this birth date (card-validity.md)")
        }
        if let facility = checker.member(members, "noiDangKyKCBBanDau", in: "", required: true),
            let parts = checker.object(facility, at: "noiDangKyKCBBanDau", allowed: ["ma", "nguon"])
        {
            _ = checker.string(
                parts, "ma", in: "noiDangKyKCBBanDau", required: true, rule: "must be a 5-character facility code"
            ) {
                ContractShapes.facilityCode($0)
            }
            _ = checker.string(
                parts, "nguon", in: "noiDangKyKCBBanDau", required: true, rule: "must be co-so-sinh or mac-dinh-tinh"
            ) {
                ["co-so-sinh", "mac-dinh-tinh"].contains($0)
            }
        }
        _ = checker.string(
            members, "maTinh", in: "", required: true, rule: "must be one of the 34 current 3-digit province codes"
        ) {
            ContractShapes.provinces.contains($0)
        }
        for parent in ["me", "cha"] {
            guard let value = checker.member(members, parent, in: "", required: false),
                let person = checker.object(value, at: parent, allowed: ["hoTen", "soDinhDanh"])
            else { continue }
            _ = checker.string(person, "hoTen", in: parent, required: true, rule: "must have 1 to 200 characters") {
                ContractShapes.text($0, maximum: 200)
            }
            _ = checker.string(person, "soDinhDanh", in: parent, required: false, rule: "must be 12 ASCII digits") {
                ContractShapes.digits($0, count: 12)
            }
        }
    }

    private static func checkDeath(_ document: JSONValue, _ checker: inout ContractChecker) {
        let allowed: Set = ["maYeuCau", "maSoBHXH", "hoTen", "ngayMat", "hoSoNguon"]
        guard let members = checker.object(document, at: "", allowed: allowed) else { return }
        checkCommon(members, &checker)
        _ = checker.string(members, "hoTen", in: "", required: true, rule: "must have 1 to 200 characters") {
            ContractShapes.text($0, maximum: 200)
        }
        _ = checker.string(members, "ngayMat", in: "", required: true, rule: "must be an existing date YYYY-MM-DD") {
            MockCardRule.day($0) != nil
        }
    }

    private static func checkUpdate(_ document: JSONValue, _ checker: inout ContractChecker) {
        let allowed: Set = ["maYeuCau", "maSoBHXH", "maSoBHXHCu", "gioiTinh", "ngaySinh", "hoSoNguon"]
        guard let members = checker.object(document, at: "", allowed: allowed) else { return }
        let pin = checkCommon(members, &checker)
        let previous = checker.string(members, "maSoBHXHCu", in: "", required: false, rule: "must be 12 ASCII digits") {
            ContractShapes.digits($0, count: 12)
        }
        if let pin, let previous, pin == previous {
            checker.fail("maSoBHXHCu", "must differ from maSoBHXH (send it only when the PIN was re-issued)")
        }
        _ = checker.integer(members, "gioiTinh", in: "", required: false, rule: "must be 1, 2 or 3", allowed: 1...3)
        _ = checkBirthDate(members, required: false, dayOnly: false, &checker)
        if !members.keys.contains(where: { ["gioiTinh", "ngaySinh", "maSoBHXHCu"].contains($0) }) {
            checker.fail("$", "an update needs at least one of gioiTinh, ngaySinh, maSoBHXHCu")
        }
    }

    /// `maYeuCau`, `maSoBHXH` and `hoSoNguon`, present in every request; returns `maSoBHXH`.
    @discardableResult
    private static func checkCommon(_ members: [String: JSONValue], _ checker: inout ContractChecker) -> String? {
        _ = checker.string(
            members, "maYeuCau", in: "", required: true, rule: "must be 1 to 100 of A-Z a-z 0-9 . _ ~ : -"
        ) {
            ContractShapes.requestKey($0)
        }
        let pin = checker.string(members, "maSoBHXH", in: "", required: true, rule: "must be 12 ASCII digits (the PIN)")
        {
            ContractShapes.digits($0, count: 12)
        }
        if let value = checker.member(members, "hoSoNguon", in: "", required: true),
            let source = checker.object(value, at: "hoSoNguon", allowed: ["heThong", "maHoSo", "phienBan"])
        {
            for name in ["heThong", "maHoSo"] {
                _ = checker.string(source, name, in: "hoSoNguon", required: true, rule: "must have 1 to 100 characters")
                {
                    ContractShapes.text($0, maximum: 100)
                }
            }
            _ = checker.integer(
                source, "phienBan", in: "hoSoNguon", required: true, rule: "must be an integer from 1",
                allowed: 1...2_147_483_647)
        }
        return pin
    }

    /// `ngaySinh` {giaTri, doChinhXac}: the value's shape must match its precision; a card needs a day.
    /// Returns the value when it is a valid day.
    private static func checkBirthDate(
        _ members: [String: JSONValue], required: Bool, dayOnly: Bool, _ checker: inout ContractChecker
    ) -> String? {
        guard let value = checker.member(members, "ngaySinh", in: "", required: required),
            let parts = checker.object(value, at: "ngaySinh", allowed: ["giaTri", "doChinhXac"])
        else { return nil }
        let precisions = dayOnly ? ["day"] : ["day", "month", "year"]
        let rule = dayOnly ? "must be day: a card needs the date of birth to the day" : "must be day, month or year"
        let precision = checker.string(parts, "doChinhXac", in: "ngaySinh", required: true, rule: rule) {
            precisions.contains($0)
        }
        let text = checker.string(
            parts, "giaTri", in: "ngaySinh", required: true, rule: "must be YYYY-MM-DD, YYYY-MM or YYYY"
        ) {
            [10, 7, 4].contains($0.utf8.count)
        }
        guard let precision, let text else { return nil }
        let fits: Bool
        switch precision {
        case "day": fits = MockCardRule.day(text) != nil
        case "month": fits = MockCardRule.day(text + "-01") != nil
        default: fits = ContractShapes.digits(text, count: 4) && text != "0000"
        }
        guard fits else {
            checker.fail("ngaySinh.giaTri", "must be an existing date of the shape doChinhXac names")
            return nil
        }
        return precision == "day" ? text : nil
    }
}
