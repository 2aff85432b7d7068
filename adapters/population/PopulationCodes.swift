public import CivgateModel

/// Code values of the Population Database messages.
public enum PopulationCodes {
    /// `GioiTinh`: 1 male, 2 female, 3 undetermined (the Ministry of Health XML convention; the QCVN 109
    /// example shows 1 for a male citizen).
    public static func sex(_ sex: Sex) -> String {
        switch sex {
        case .male: "1"
        case .female: "2"
        case .unknown: "3"
        }
    }

    /// The record's sex for a `GioiTinh` value.
    public static func sex(code: String) -> Sex? {
        switch code {
        case "1": .male
        case "2": .female
        case "3": .unknown
        default: nil
        }
    }
}
