/// Provinces before and after the 1 July 2025 reorganisation: the 63 provinces of QĐ 124/2004/QĐ-TTg,
/// the 34 of Decision 19/2025/QĐ-TTg, and which new province each old one became (Resolution
/// 202/2025/QH15).
///
/// Codes are 2 digits. A merged province keeps the code of the province that hosts its People's
/// Committee; the other codes are closed and never reissued, so an old code always names exactly one
/// new province (no province was split). Name and code of a new province can come from different old
/// ones: new Tây Ninh carries 80 (old Long An), new Đồng Tháp 82 (old Tiền Giang), new Lào Cai 15 (old
/// Yên Bái). Source: `shared/docs/domain-vn.md` §3 (old names) and §5.2 (the mapping).
public enum ProvinceTable {
    /// A province of the 63-province list and the province it belongs to since 1 July 2025.
    public struct OldProvince: Sendable, Hashable {
        /// The province's name before 1 July 2025.
        public var name: String
        /// The 2-digit code in the 34-province list.
        public var current: String
    }

    /// The 34 provinces and cities of Decision 19/2025/QĐ-TTg: code → name.
    public static let current: [String: String] = [
        "01": "Hà Nội", "04": "Cao Bằng", "08": "Tuyên Quang", "11": "Điện Biên", "12": "Lai Châu",
        "14": "Sơn La", "15": "Lào Cai", "19": "Thái Nguyên", "20": "Lạng Sơn", "22": "Quảng Ninh",
        "24": "Bắc Ninh", "25": "Phú Thọ", "31": "Hải Phòng", "33": "Hưng Yên", "37": "Ninh Bình",
        "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Trị", "46": "Huế",
        "48": "Đà Nẵng", "51": "Quảng Ngãi", "52": "Gia Lai", "56": "Khánh Hòa", "66": "Đắk Lắk",
        "68": "Lâm Đồng", "75": "Đồng Nai", "79": "Hồ Chí Minh", "80": "Tây Ninh", "82": "Đồng Tháp",
        "86": "Vĩnh Long", "91": "An Giang", "92": "Cần Thơ", "96": "Cà Mau",
    ]

    /// The 63 provinces of QĐ 124/2004/QĐ-TTg: code → name and current province.
    public static let old: [String: OldProvince] = [
        "01": OldProvince(name: "Hà Nội", current: "01"),
        "02": OldProvince(name: "Hà Giang", current: "08"),
        "04": OldProvince(name: "Cao Bằng", current: "04"),
        "06": OldProvince(name: "Bắc Kạn", current: "19"),
        "08": OldProvince(name: "Tuyên Quang", current: "08"),
        "10": OldProvince(name: "Lào Cai", current: "15"),
        "11": OldProvince(name: "Điện Biên", current: "11"),
        "12": OldProvince(name: "Lai Châu", current: "12"),
        "14": OldProvince(name: "Sơn La", current: "14"),
        "15": OldProvince(name: "Yên Bái", current: "15"),
        "17": OldProvince(name: "Hòa Bình", current: "25"),
        "19": OldProvince(name: "Thái Nguyên", current: "19"),
        "20": OldProvince(name: "Lạng Sơn", current: "20"),
        "22": OldProvince(name: "Quảng Ninh", current: "22"),
        "24": OldProvince(name: "Bắc Giang", current: "24"),
        "25": OldProvince(name: "Phú Thọ", current: "25"),
        "26": OldProvince(name: "Vĩnh Phúc", current: "25"),
        "27": OldProvince(name: "Bắc Ninh", current: "24"),
        "30": OldProvince(name: "Hải Dương", current: "31"),
        "31": OldProvince(name: "Hải Phòng", current: "31"),
        "33": OldProvince(name: "Hưng Yên", current: "33"),
        "34": OldProvince(name: "Thái Bình", current: "33"),
        "35": OldProvince(name: "Hà Nam", current: "37"),
        "36": OldProvince(name: "Nam Định", current: "37"),
        "37": OldProvince(name: "Ninh Bình", current: "37"),
        "38": OldProvince(name: "Thanh Hóa", current: "38"),
        "40": OldProvince(name: "Nghệ An", current: "40"),
        "42": OldProvince(name: "Hà Tĩnh", current: "42"),
        "44": OldProvince(name: "Quảng Bình", current: "44"),
        "45": OldProvince(name: "Quảng Trị", current: "44"),
        "46": OldProvince(name: "Thừa Thiên Huế", current: "46"),
        "48": OldProvince(name: "Đà Nẵng", current: "48"),
        "49": OldProvince(name: "Quảng Nam", current: "48"),
        "51": OldProvince(name: "Quảng Ngãi", current: "51"),
        "52": OldProvince(name: "Bình Định", current: "52"),
        "54": OldProvince(name: "Phú Yên", current: "66"),
        "56": OldProvince(name: "Khánh Hòa", current: "56"),
        "58": OldProvince(name: "Ninh Thuận", current: "56"),
        "60": OldProvince(name: "Bình Thuận", current: "68"),
        "62": OldProvince(name: "Kon Tum", current: "51"),
        "64": OldProvince(name: "Gia Lai", current: "52"),
        "66": OldProvince(name: "Đắk Lắk", current: "66"),
        "67": OldProvince(name: "Đắk Nông", current: "68"),
        "68": OldProvince(name: "Lâm Đồng", current: "68"),
        "70": OldProvince(name: "Bình Phước", current: "75"),
        "72": OldProvince(name: "Tây Ninh", current: "80"),
        "74": OldProvince(name: "Bình Dương", current: "79"),
        "75": OldProvince(name: "Đồng Nai", current: "75"),
        "77": OldProvince(name: "Bà Rịa–Vũng Tàu", current: "79"),
        "79": OldProvince(name: "Hồ Chí Minh", current: "79"),
        "80": OldProvince(name: "Long An", current: "80"),
        "82": OldProvince(name: "Tiền Giang", current: "82"),
        "83": OldProvince(name: "Bến Tre", current: "86"),
        "84": OldProvince(name: "Trà Vinh", current: "86"),
        "86": OldProvince(name: "Vĩnh Long", current: "86"),
        "87": OldProvince(name: "Đồng Tháp", current: "82"),
        "89": OldProvince(name: "An Giang", current: "91"),
        "91": OldProvince(name: "Kiên Giang", current: "91"),
        "92": OldProvince(name: "Cần Thơ", current: "92"),
        "93": OldProvince(name: "Hậu Giang", current: "92"),
        "94": OldProvince(name: "Sóc Trăng", current: "92"),
        "95": OldProvince(name: "Bạc Liêu", current: "96"),
        "96": OldProvince(name: "Cà Mau", current: "96"),
    ]

    /// The current 2-digit province for a province code of the given commune code system, in either the
    /// 2-digit form or the 3-digit PIN form ("0" + 2 digits); `nil` when the code is not in that list.
    public static func currentProvince(of code: String, system: String) -> String? {
        let twoDigits = code.utf8.count == 3 && code.hasPrefix("0") ? String(code.dropFirst()) : code
        switch system {
        case "QD124-2004": return old[twoDigits]?.current
        case "QD19-2025": return current[twoDigits] == nil ? nil : twoDigits
        default: return nil
        }
    }
}
