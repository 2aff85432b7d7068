/// One problem with a request, as BHXH's `loi[]` lists it: where, and which rule — never the value.
public struct InsuranceFieldError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path of the member (`ngaySinh.giaTri`), `$` for the whole body, or a header name.
    public var truong: String
    /// The rule that was broken.
    public var moTa: String

    /// A problem at `truong` breaking `moTa`.
    public init(truong: String, moTa: String) {
        self.truong = truong
        self.moTa = moTa
    }

    /// `truong: moTa`.
    public var description: String { "\(truong): \(moTa)" }
}
