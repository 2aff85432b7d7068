/// Why a fault profile was refused: the JSON did not parse, named an unknown field, or held a value out
/// of range. `message` says where (`errorRates[0].rate`) and what was expected.
public struct FaultProfileError: Error, Sendable, CustomStringConvertible {
    /// A stable code for each kind of failure.
    public enum Code: String, Sendable, Codable {
        /// The file could not be read.
        case unreadable
        /// Not JSON, or a field of the wrong type.
        case invalidJSON
        /// A field this profile format does not know (usually a typo).
        case unknownField
        /// A value out of range or a combination that makes no sense.
        case invalidValue
    }

    /// What went wrong.
    public var code: Code
    /// A message for the operator or test author.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "fault profile: \(message)" }
}
