import Foundation

/// Times are kept as milliseconds since the Unix epoch (UTC) and shown as ISO 8601.
public enum Timestamp {
    /// Now, in milliseconds since the epoch.
    public static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// `2026-11-22T04:55:12.345Z`.
    public static func iso(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
