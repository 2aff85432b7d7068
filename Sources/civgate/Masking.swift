import Foundation

/// Hides personal data in what the CLI prints, unless the operator asks to reveal it (audited).
enum Masking {
    /// `LÊ NGỌC HƯƠNG` → `L… N… H…`.
    static func name(_ name: String) -> String {
        name.split(separator: " ").map { "\($0.prefix(1))…" }.joined(separator: " ")
    }

    /// `001326822465` → `001•••••••65`: the province stays readable, the person does not.
    static func pin(_ pin: String) -> String {
        guard pin.count > 5 else { return String(repeating: "•", count: pin.count) }
        return pin.prefix(3) + String(repeating: "•", count: pin.count - 5) + pin.suffix(2)
    }

    /// `2026-09-24` → `2026-••-••`: the year stays.
    static func date(_ date: String) -> String {
        String(date.prefix(4)) + String(date.dropFirst(4).map { $0.isNumber ? "•" : $0 })
    }

    /// Any run of 12 digits (a PIN wherever it stands, e.g. inside a reply excerpt) masked.
    static func pin(in text: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: "(?<![0-9])([0-9]{3})[0-9]{7}([0-9]{2})(?![0-9])") else {
            return text
        }
        return regex.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1•••••••$2")
    }

    /// XML elements and JSON members that carry names, PINs or dates of birth.
    private static let xmlNames = "Ho|ChuDem|Ten|DayDu|SoDinhDanh|NgayThangNam|ThangNam|Nam|Tu|Den|ChiTiet"
    private static let jsonNames =
        "hoTen|maSoBHXH|maSoBHXHCu|soDinhDanh|giaTri|ngaySinh|ngayMat|giaTriTu|giaTriDen|maThe|full|family|middle|given|pin|value|text|name|insuranceCode|cardCode"

    /// A message or record with the text of personal fields replaced by bullets.
    static func message(_ text: String) -> String {
        var masked = text
        if let xml = try? NSRegularExpression(pattern: "(<(?:[A-Za-z]+:)?(?:\(xmlNames))>)([^<]*)(</)") {
            masked = xml.stringByReplacingMatches(
                in: masked, range: NSRange(masked.startIndex..., in: masked), withTemplate: "$1•••$3")
        }
        if let json = try? NSRegularExpression(pattern: "(\"(?:\(jsonNames))\"\\s*:\\s*\")([^\"]*)(\")") {
            masked = json.stringByReplacingMatches(
                in: masked, range: NSRange(masked.startIndex..., in: masked), withTemplate: "$1•••$3")
        }
        return masked
    }
}
