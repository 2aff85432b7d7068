/// Province codes the insurance adapter needs: the province of a registering commune, and the province
/// that absorbed it in the 1 July 2025 reorganisation (Resolution 202/2025/QH15, Decision 19/2025/QĐ-TTg).
///
/// The commune table is a copy of the population adapter's (adapters do not depend on each other); the
/// same 5-digit code names different communes before and after 1 July 2025, so lookups carry the code
/// system. Codes are 3 digits, the PIN form: "0" + the 2-digit province code. Sources:
/// `shared/docs/domain-vn.md` §3 and §5.
struct ProvinceCodes: Sendable {
    /// The province of a commune at the time of its code system, and today.
    struct Province: Sendable, Hashable {
        /// The province code in the commune's own code system (a closed code for a merged province).
        var atRegistration: String
        /// The province in the current list of 34.
        var current: String
    }

    private let communes: [String: String]

    init(communes: [String: String] = ProvinceCodes.communeProvinces) {
        self.communes = communes
    }

    /// The province of the commune `code` in `system` (`QD124-2004` or `QD19-2025`); `nil` when unknown.
    func province(commune code: String, system: String) -> Province? {
        guard let province = communes["\(system):\(code)"] else { return nil }
        return Province(atRegistration: province, current: Self.current(province))
    }

    /// The current province for a 3-digit province code of either era.
    static func current(_ province: String) -> String {
        mergedInto[province] ?? province
    }

    /// Commune (code system + code) → 3-digit province code, as in `adapters/population/CommuneTable.swift`.
    static let communeProvinces: [String: String] = [
        "QD19-2025:00004": "001",  // Phường Ba Đình, TP Hà Nội
        "QD19-2025:00008": "001",  // Phường Ngọc Hà, TP Hà Nội
        "QD19-2025:26734": "079",  // Phường Sài Gòn, TP Hồ Chí Minh
        "QD19-2025:20194": "048",  // Phường Hải Châu, TP Đà Nẵng
        "QD19-2025:24121": "066",  // Xã Ea Kar, tỉnh Đắk Lắk
        "QD19-2025:09880": "052",  // Xã Tuy Phước, tỉnh Gia Lai
        "QD124-2004:00016": "001",  // Phường Ngọc Hà, quận Ba Đình, TP Hà Nội
        "QD124-2004:12625": "034",  // Xã Đông Hòa, huyện Đông Hưng, tỉnh Thái Bình
        "QD124-2004:21910": "052",  // Xã Phước Sơn, huyện Tuy Phước, tỉnh Bình Định
        "QD124-2004:06169": "020",  // Xã Hoàng Đồng, TP Lạng Sơn, tỉnh Lạng Sơn
        "QD124-2004:09217": "027",  // Phường Vệ An, TP Bắc Ninh, tỉnh Bắc Ninh
    ]

    /// Provinces closed on 1 July 2025 → the province that kept its code (domain brief §5.2).
    static let mergedInto: [String: String] = [
        "002": "008", "010": "015", "006": "019", "027": "024", "017": "025", "026": "025", "030": "031",
        "034": "033", "035": "037", "036": "037", "045": "044", "049": "048", "062": "051", "064": "052",
        "058": "056", "054": "066", "060": "068", "067": "068", "070": "075", "074": "079", "077": "079",
        "072": "080", "087": "082", "083": "086", "084": "086", "089": "091", "093": "092", "094": "092",
        "095": "096",
    ]

    /// The 34 provinces of Decision 19/2025/QĐ-TTg, 3-digit form.
    static let currentProvinces: Set<String> = [
        "001", "004", "008", "011", "012", "014", "015", "019", "020", "022", "024", "025", "031", "033", "037",
        "038", "040", "042", "044", "046", "048", "051", "052", "056", "066", "068", "075", "079", "080", "082",
        "086", "091", "092", "096",
    ]
}
