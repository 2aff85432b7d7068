/// Per-province default initial-care facilities, from the `defaultFacility.PPP` settings.
///
/// A child's card names an initial-care facility; the facility of birth is used when the record has a
/// usable code, else the default configured for the province of the registering commune.
struct FacilityDefaults: Sendable {
    /// The settings key prefix; the rest of the key is a 3-digit province code.
    static let keyPrefix = "defaultFacility."

    private let byProvince: [String: String]

    /// Reads `defaultFacility.PPP` entries; malformed keys or codes are ignored here and reported by
    /// ``InsuranceAdapter/settingProblems(_:)``.
    init(settings: [String: String]) {
        var byProvince: [String: String] = [:]
        for (key, value) in settings where Self.problem(key: key, value: value) == nil && key.hasPrefix(Self.keyPrefix)
        {
            byProvince[String(key.dropFirst(Self.keyPrefix.count))] = value
        }
        self.byProvince = byProvince
    }

    /// The default for the current province, else for the province code at registration (a setting may
    /// still use a code closed in 2025).
    func facility(for province: ProvinceCodes.Province) -> String? {
        byProvince[province.current] ?? byProvince[province.atRegistration]
    }

    /// The setting key an operator would add for `province`.
    static func key(for province: ProvinceCodes.Province) -> String {
        keyPrefix + province.current
    }

    /// Whether `code` has the shape of a 5-character facility code (MA_CSKCB).
    static func isFacilityCode(_ code: String) -> Bool {
        code.utf8.count == 5 && code.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) }
    }

    /// Why a settings entry is unusable, naming the key only; `nil` when fine or not ours.
    static func problem(key: String, value: String) -> String? {
        guard key.hasPrefix(keyPrefix) else { return nil }
        let province = key.dropFirst(keyPrefix.count)
        let code = String(province)
        guard ProvinceCodes.currentProvinces.contains(code) || ProvinceCodes.mergedInto[code] != nil else {
            return "\(key): the key must end in a 3-digit province code (current, or closed in 2025)"
        }
        guard isFacilityCode(value) else {
            return "\(key): the value must be a 5-character facility code (digits and capital letters)"
        }
        return nil
    }
}
