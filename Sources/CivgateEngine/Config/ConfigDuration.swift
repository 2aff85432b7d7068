/// A duration written the way operators write them: `250ms`, `2s`, `5m`, `1h`, `7d`.
public struct ConfigDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The duration in milliseconds.
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Parses `<number><unit>` with unit `ms`, `s`, `m`, `h` or `d`; `nil` otherwise.
    public init?(parsing text: String) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { continue }
            milliseconds = Int64(value * Double(factor))
            return
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a duration such as 250ms, 2s, 5m, 1h or 7d")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { "\(milliseconds)ms" }

    /// As a Swift `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    public static func seconds(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value * 1000) }
    public static func millis(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value) }
}
