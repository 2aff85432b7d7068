/// The two ethnicity code lists in circulation and the mapping between them.
///
/// QĐ 121-TCTK/PPCĐ (1979) and QĐ 1019/QĐ-TCTK (2008, Appendix E of QCVN 109:2017) agree on 01–03 and
/// diverge from 04 on (04 is Hoa in one, Mường in the other). The Population Database message follows
/// QCVN 109, so codes go out in the 2008 list where the mapping is known; codes whose 2008 number is not
/// known here (domain brief §4.2: 21–54 not retrieved) go out in the 1979 list with that code system
/// named, never guessed.
enum EthnicityTable {
    static let qd121System = "QD121-1979"
    static let qd1019System = "QD1019-2008"

    /// QĐ 121-TCTK/PPCĐ (1979): code → name.
    static let qd121: [String: String] = [
        "01": "Kinh", "02": "Tày", "03": "Thái", "04": "Hoa", "05": "Khơ-me", "06": "Mường", "07": "Nùng",
        "08": "HMông", "09": "Dao", "10": "Gia-rai", "11": "Ngái", "12": "Ê-đê", "13": "Ba-na", "14": "Xơ-đăng",
        "15": "Sán Chay", "16": "Cơ-ho", "17": "Chăm", "18": "Sán Dìu", "19": "Hrê", "20": "Mnông",
        "21": "Ra-glai", "22": "Xtiêng", "23": "Bru-Vân Kiều", "24": "Thổ", "25": "Giáy", "26": "Cơ-tu",
        "27": "Gié-Triêng", "28": "Mạ", "29": "Khơ-mú", "30": "Co", "31": "Tà-ôi", "32": "Chơ-ro", "33": "Kháng",
        "34": "Xinh-mun", "35": "Hà Nhì", "36": "Chu-ru", "37": "Lào", "38": "La Chí", "39": "La Ha",
        "40": "Phù Lá", "41": "La Hủ", "42": "Lự", "43": "Lô Lô", "44": "Chứt", "45": "Mảng", "46": "Pà Thẻn",
        "47": "Cơ Lao", "48": "Cống", "49": "Bố Y", "50": "Si La", "51": "Pu Péo", "52": "Brâu", "53": "Ơ Đu",
        "54": "Rơ-măm", "55": "Người nước ngoài",
    ]

    /// QĐ 1019/QĐ-TCTK (2008), as far as the domain brief retrieved it: code → the 1979 code of the
    /// same people.
    static let qd1019ToQd121: [String: String] = [
        "01": "01", "02": "02", "03": "03", "04": "06", "05": "05", "06": "04", "07": "07", "08": "08",
        "09": "09", "10": "10", "11": "12", "12": "13", "13": "15", "14": "17", "15": "16", "16": "14",
        "17": "18", "18": "19", "19": "21", "20": "20",
    ]

    static let qd121ToQd1019: [String: String] = Dictionary(
        uniqueKeysWithValues: qd1019ToQd121.map { ($1, $0) })

    /// The code and code system to send for a record's ethnicity.
    static func outbound(code: String, system: String) -> (code: String, system: String) {
        if system == qd121System, let mapped = qd121ToQd1019[code] { return (mapped, qd1019System) }
        return (code, system)
    }
}
