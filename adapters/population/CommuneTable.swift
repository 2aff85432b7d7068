/// Communes the population adapter knows: code system + commune code → the 3-digit province code that
/// a PIN registered there carries, the commune that registers for it today, and whether it was split in
/// the 2025 reorganisation.
///
/// The same 5-digit code names different communes before and after 1 July 2025 (00008 was Phường Liễu
/// Giai, is now Phường Ngọc Hà), so lookups always carry the code system. Sources: Decision 19/2025/QĐ-TTg
/// and the GSO lists summarised in `shared/docs/domain-vn.md` §5.
struct CommuneTable: Sendable {
    struct Entry: Sendable {
        /// The province code a PIN registered here carries (3 digits: the province of its time).
        var provinceCode: String
        var name: String
        /// For a QD124-2004 commune: the QD19-2025 commune it became on 1 July 2025, when the sources
        /// give it. `nil` when not known (never guessed); QD19-2025 communes are their own current unit.
        var currentCode: String? = nil
        /// Split across several new communes in 2025: a new code cannot be derived without a person.
        var splitIn2025: Bool = false
        /// The QD19-2025 communes a split commune went to (for the operator; none is chosen).
        var successors: [String] = []
    }

    /// Where a commune's registrations are kept today.
    enum CurrentUnit: Sendable, Equatable {
        /// `commune`: the QD19-2025 commune code, `nil` when not known; `province`: the 2-digit
        /// province of the 34-province list.
        case known(commune: String?, province: String)
        /// The commune was split in 2025 across `successors`: which one registers now cannot be derived.
        case split(successors: [String])
    }

    private let entries: [String: Entry]

    init(entries: [String: Entry] = CommuneTable.known) {
        self.entries = entries
    }

    func lookup(code: String, system: String) -> Entry? {
        entries["\(system):\(code)"]
    }

    /// The commune's current unit; `nil` when the commune is unknown or its province is in no list.
    func current(code: String, system: String) -> CurrentUnit? {
        guard let entry = lookup(code: code, system: system) else { return nil }
        if entry.splitIn2025 { return .split(successors: entry.successors) }
        guard let province = ProvinceTable.currentProvince(of: entry.provinceCode, system: system) else { return nil }
        switch system {
        case "QD19-2025": return .known(commune: code, province: province)
        default: return .known(commune: entry.currentCode, province: province)
        }
    }

    static let known: [String: Entry] = [
        // After 1 July 2025 (QD19-2025).
        "QD19-2025:00004": Entry(provinceCode: "001", name: "Phường Ba Đình, TP Hà Nội"),
        "QD19-2025:00008": Entry(provinceCode: "001", name: "Phường Ngọc Hà, TP Hà Nội"),
        "QD19-2025:26734": Entry(provinceCode: "079", name: "Phường Sài Gòn, TP Hồ Chí Minh"),
        "QD19-2025:20194": Entry(provinceCode: "048", name: "Phường Hải Châu, TP Đà Nẵng"),
        "QD19-2025:24121": Entry(provinceCode: "066", name: "Xã Ea Kar, tỉnh Đắk Lắk"),
        "QD19-2025:09880": Entry(provinceCode: "052", name: "Xã Tuy Phước, tỉnh Gia Lai"),
        // Before 1 July 2025 (QD124-2004); PINs keep the province code of their time. The current commune
        // is filled in only where the brief gives it (§5.3); the others' current province still follows
        // from ProvinceTable.
        "QD124-2004:00016": Entry(
            provinceCode: "001", name: "Phường Ngọc Hà, quận Ba Đình, TP Hà Nội", splitIn2025: true,
            successors: ["00004", "00008"]),
        "QD124-2004:12625": Entry(provinceCode: "034", name: "Xã Đông Hòa, huyện Đông Hưng, tỉnh Thái Bình"),
        "QD124-2004:21910": Entry(provinceCode: "052", name: "Xã Phước Sơn, huyện Tuy Phước, tỉnh Bình Định"),
        "QD124-2004:06169": Entry(provinceCode: "020", name: "Xã Hoàng Đồng, TP Lạng Sơn, tỉnh Lạng Sơn"),
        "QD124-2004:09217": Entry(provinceCode: "027", name: "Phường Vệ An, TP Bắc Ninh, tỉnh Bắc Ninh"),
    ]
}
