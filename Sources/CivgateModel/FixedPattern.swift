import Foundation

/// A compiled `pattern` from a JSON Schema.
///
/// Contract patterns are fixed shapes (`^[0-9]{12}$`, dates with alternations such as `(0[1-9]|1[0-2])`);
/// those run on a small backtracking matcher over scalars because ingest checks dozens per record. Anything
/// richer falls back to `NSRegularExpression`, which JSON Schema's ECMA-style patterns fit.
public struct FixedPattern: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as thread-safe.

    private let pieces: [PatternPiece]?
    private let anchoredStart: Bool
    private let anchoredEnd: Bool
    private let fallback: NSRegularExpression?

    /// Compiles `pattern`; throws when it is not a valid regular expression.
    public init(_ pattern: String) throws {
        if let simple = Self.compileSimple(pattern) {
            pieces = simple.pieces
            anchoredStart = simple.start
            anchoredEnd = simple.end
            fallback = nil
        } else {
            pieces = nil
            anchoredStart = false
            anchoredEnd = false
            fallback = try NSRegularExpression(pattern: Self.icu(pattern))
        }
    }

    /// Whether the pattern matches somewhere in `text` (JSON Schema patterns are not implicitly anchored).
    public func matches(_ text: String) -> Bool {
        guard let pieces else {
            let range = NSRange(text.startIndex..., in: text)
            return fallback?.firstMatch(in: text, range: range) != nil
        }
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            // ASCII bytes are their own scalar values: no scalar array to build.
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return matches(pieces, in: bytes.lazy.map { UInt32($0) })
        }
        if let ascii, let result = ascii { return result }
        return matches(pieces, in: text.unicodeScalars.map(\.value))
    }

    private func matches<Input: RandomAccessCollection>(_ pieces: [PatternPiece], in input: Input) -> Bool
    where Input.Element == UInt32, Input.Index == Int {
        let matcher = PatternMatcher(input: input)
        let anchoredEnd = anchoredEnd
        let end = input.count
        for start in anchoredStart ? 0...0 : 0...end
        where matcher.sequence(pieces, 0, from: start, then: { !anchoredEnd || $0 == end }) {
            return true
        }
        return false
    }

    /// ECMA-262 meaning in ICU syntax: `$` is the end of input (ICU's also matches before a final
    /// newline) and `\d` is ASCII digits only (ICU's is any Unicode decimal digit).
    static func icu(_ pattern: String) -> String {
        var output = ""
        var inClass = false
        var escaped = false
        for character in pattern {
            if escaped {
                output += character == "d" ? (inClass ? "0-9" : "[0-9]") : "\\\(character)"
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true; output.append(character)
            case "]": inClass = false; output.append(character)
            case "$" where !inClass: output += "\\z"
            default: output.append(character)
            }
        }
        return output
    }

    private static func compileSimple(_ pattern: String) -> (pieces: [PatternPiece], start: Bool, end: Bool)? {
        var scalars = Array(pattern.unicodeScalars)
        var start = false
        var end = false
        if scalars.first == "^" { start = true; scalars.removeFirst() }
        if scalars.last == "$", scalars.count < 2 || scalars[scalars.count - 2] != "\\" {
            end = true; scalars.removeLast()
        }
        var parser = PatternParser(scalars: scalars)
        // Alternatives at the top level would bind the anchors to one branch only: left to ICU.
        guard let alternatives = parser.alternatives(), parser.atEnd, alternatives.count == 1 else { return nil }
        return (alternatives[0], start, end)
    }
}
