/// Provinces before and after the 1 July 2025 reorganisation: the 63 provinces of QĐ 124/2004/QĐ-TTg,
/// the 34 of Decision 19/2025/QĐ-TTg, and which new province each old one became (Resolution
/// 202/2025/QH15).
///
/// Codes are 2 digits. A merged province keeps the code of the province that hosts its People's
/// Committee; the other codes are closed and never reissued, so an old code always names exactly one
/// new province (no province was split). Name and code of a new province can come from different old
/// ones: new Tây Ninh carries 80 (old Long An), new Đồng Tháp 82 (old Tiền Giang), new Lào Cai 15 (old
/// Yên Bái). Source: `shared/docs/domain-vn.md` §3 (old names) and §5.2 (the mapping).
struct ProvinceTable: Sendable {
    /// A province of the 63-province list and the province it belongs to since 1 July 2025.
    struct OldProvince: Sendable, Hashable {
        var name: String
        /// The 2-digit code in the 34-province list.
        var current: String
    }

    /// The 34 provinces and cities of Decision 19/2025/QĐ-TTg: code → name.
    static let current: [String: String] = [
        "01": "Hà Nội", "04": "Cao Bằng", "08": "Tuyên Quang", "11": "Điện Biên", "12": "Lai Châu",
        "14": "Sơn La", "15": "Lào Cai", "19": "Thái Nguyên", "20": "Lạng Sơn", "22": "Quảng Ninh",
        "24": "Bắc Ninh", "25": "Phú Thọ", "31": "Hải Phòng", "33": "Hưng Yên", "37": "Ninh Bình",
        "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Trị", "46": "Huế",
        "48": "Đà Nẵng", "51": "Quảng Ngãi", "52": "Gia Lai", "56": "Khánh Hòa", "66": "Đắk Lắk",
        "68": "Lâm Đồng", "75": "Đồng Nai", "79": "Hồ Chí Minh", "80": "Tây Ninh", "82": "Đồng Tháp",
        "86": "Vĩnh Long", "91": "An Giang", "92": "Cần Thơ", "96": "Cà Mau",
    ]

    /// The 63 provinces of QĐ 124/2004/QĐ-TTg: code → name and current province.
    static let old: [String: OldProvince] = [
        "01": .init(name: "Hà Nội", current: "01"),
        "02": .init(name: "Hà Giang", current: "08"),
        "04": .init(name: "Cao Bằng", current: "04"),
        "06": .init(name: "Bắc Kạn", current: "19"),
        "08": .init(name: "Tuyên Quang", current: "08"),
        "10": .init(name: "Lào Cai", current: "15"),
        "11": .init(name: "Điện Biên", current: "11"),
        "12": .init(name: "Lai Châu", current: "12"),
        "14": .init(name: "Sơn La", current: "14"),
        "15": .init(name: "Yên Bái", current: "15"),
        "17": .init(name: "Hòa Bình", current: "25"),
        "19": .init(name: "Thái Nguyên", current: "19"),
        "20": .init(name: "Lạng Sơn", current: "20"),
        "22": .init(name: "Quảng Ninh", current: "22"),
        "24": .init(name: "Bắc Giang", current: "24"),
        "25": .init(name: "Phú Thọ", current: "25"),
        "26": .init(name: "Vĩnh Phúc", current: "25"),
        "27": .init(name: "Bắc Ninh", current: "24"),
        "30": .init(name: "Hải Dương", current: "31"),
        "31": .init(name: "Hải Phòng", current: "31"),
        "33": .init(name: "Hưng Yên", current: "33"),
        "34": .init(name: "Thái Bình", current: "33"),
        "35": .init(name: "Hà Nam", current: "37"),
        "36": .init(name: "Nam Định", current: "37"),
        "37": .init(name: "Ninh Bình", current: "37"),
        "38": .init(name: "Thanh Hóa", current: "38"),
        "40": .init(name: "Nghệ An", current: "40"),
        "42": .init(name: "Hà Tĩnh", current: "42"),
        "44": .init(name: "Quảng Bình", current: "44"),
        "45": .init(name: "Quảng Trị", current: "44"),
        "46": .init(name: "Thừa Thiên Huế", current: "46"),
        "48": .init(name: "Đà Nẵng", current: "48"),
        "49": .init(name: "Quảng Nam", current: "48"),
        "51": .init(name: "Quảng Ngãi", current: "51"),
        "52": .init(name: "Bình Định", current: "52"),
        "54": .init(name: "Phú Yên", current: "66"),
        "56": .init(name: "Khánh Hòa", current: "56"),
        "58": .init(name: "Ninh Thuận", current: "56"),
        "60": .init(name: "Bình Thuận", current: "68"),
        "62": .init(name: "Kon Tum", current: "51"),
        "64": .init(name: "Gia Lai", current: "52"),
        "66": .init(name: "Đắk Lắk", current: "66"),
        "67": .init(name: "Đắk Nông", current: "68"),
        "68": .init(name: "Lâm Đồng", current: "68"),
        "70": .init(name: "Bình Phước", current: "75"),
        "72": .init(name: "Tây Ninh", current: "80"),
        "74": .init(name: "Bình Dương", current: "79"),
        "75": .init(name: "Đồng Nai", current: "75"),
        "77": .init(name: "Bà Rịa–Vũng Tàu", current: "79"),
        "79": .init(name: "Hồ Chí Minh", current: "79"),
        "80": .init(name: "Long An", current: "80"),
        "82": .init(name: "Tiền Giang", current: "82"),
        "83": .init(name: "Bến Tre", current: "86"),
        "84": .init(name: "Trà Vinh", current: "86"),
        "86": .init(name: "Vĩnh Long", current: "86"),
        "87": .init(name: "Đồng Tháp", current: "82"),
        "89": .init(name: "An Giang", current: "91"),
        "91": .init(name: "Kiên Giang", current: "91"),
        "92": .init(name: "Cần Thơ", current: "92"),
        "93": .init(name: "Hậu Giang", current: "92"),
        "94": .init(name: "Sóc Trăng", current: "92"),
        "95": .init(name: "Bạc Liêu", current: "96"),
        "96": .init(name: "Cà Mau", current: "96"),
    ]

    /// The current 2-digit province for a province code of the given commune code system, in either the
    /// 2-digit form or the 3-digit PIN form ("0" + 2 digits); `nil` when the code is not in that list.
    static func currentProvince(of code: String, system: String) -> String? {
        let twoDigits = code.utf8.count == 3 && code.hasPrefix("0") ? String(code.dropFirst()) : code
        switch system {
        case "QD124-2004": return old[twoDigits]?.current
        case "QD19-2025": return current[twoDigits] == nil ? nil : twoDigits
        default: return nil
        }
    }
}
