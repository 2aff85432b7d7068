import CivgateModel

/// Collects contract problems while walking a request: types, required members, unknown members,
/// nulls, lengths, patterns and enumerations, each reported with its path and rule only.
struct ContractChecker {
    private(set) var problems: [InsuranceFieldError] = []

    mutating func fail(_ path: String, _ rule: String) {
        problems.append(InsuranceFieldError(truong: path, moTa: rule))
    }

    static func path(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : "\(parent).\(name)"
    }

    /// The members of the object at `path`; unknown members and a non-object are reported.
    mutating func object(_ value: JSONValue, at path: String, allowed: Set<String>) -> [String: JSONValue]? {
        guard case .object(let members) = value else {
            fail(path.isEmpty ? "$" : path, "must be a JSON object")
            return nil
        }
        for name in members.keys.sorted() where !allowed.contains(name) {
            fail(Self.path(path, name), "is not a member of this request in the contract")
        }
        return members
    }

    /// The member `name` of `members`: a problem when it is required and absent, or when it is null.
    mutating func member(_ members: [String: JSONValue], _ name: String, in parent: String, required: Bool)
        -> JSONValue?
    {
        switch members[name] {
        case nil:
            if required { fail(Self.path(parent, name), "is required") }
            return nil
        case .null?:
            fail(Self.path(parent, name), "must not be null; leave an unknown member out")
            return nil
        case let value?:
            return value
        }
    }

    /// A string member that satisfies `valid`, else a problem stating `rule`.
    mutating func string(
        _ members: [String: JSONValue], _ name: String, in parent: String, required: Bool, rule: String,
        _ valid: (String) -> Bool
    ) -> String? {
        guard let value = member(members, name, in: parent, required: required) else { return nil }
        guard case .string(let text) = value else {
            fail(Self.path(parent, name), "must be a string")
            return nil
        }
        guard valid(text) else {
            fail(Self.path(parent, name), rule)
            return nil
        }
        return text
    }

    /// An integer member within `allowed`, else a problem stating `rule`.
    mutating func integer(
        _ members: [String: JSONValue], _ name: String, in parent: String, required: Bool, rule: String,
        allowed: ClosedRange<Int64>
    ) -> Int64? {
        guard let value = member(members, name, in: parent, required: required) else { return nil }
        guard case .integer(let number) = value else {
            fail(Self.path(parent, name), "must be an integer")
            return nil
        }
        guard allowed.contains(number) else {
            fail(Self.path(parent, name), rule)
            return nil
        }
        return number
    }
}

/// Shapes of the contract's string members.
enum ContractShapes {
    static func digits(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) }
    }

    /// `MaYeuCau`: `^[A-Za-z0-9._~:-]{1,100}$`.
    static func requestKey(_ text: String) -> Bool {
        (1...100).contains(text.utf8.count)
            && text.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._~:-".unicodeScalars.contains($0))
            }
    }

    /// `HoTen` and texts of 1…`maximum` code points.
    static func text(_ text: String, maximum: Int) -> Bool {
        (1...maximum).contains(text.unicodeScalars.count)
    }

    /// `NoiDangKyKCBBanDau.ma`: `^[0-9A-Z]{5}$`.
    static func facilityCode(_ text: String) -> Bool {
        text.utf8.count == 5 && text.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) }
    }

    /// `MaTinh`: the 34 provinces of Decision 19/2025/QĐ-TTg.
    static let provinces: Set<String> = [
        "001", "004", "008", "011", "012", "014", "015", "019", "020", "022", "024", "025", "031", "033", "037",
        "038", "040", "042", "044", "046", "048", "051", "052", "056", "066", "068", "075", "079", "080", "082",
        "086", "091", "092", "096",
    ]
}
