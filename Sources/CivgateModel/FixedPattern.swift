import Foundation

/// A compiled `pattern` from a JSON Schema.
///
/// Contract patterns are mostly fixed shapes (`^\d{12}$`, `^\d{4}-\d{2}$`); those run on a small
/// scalar matcher because ingest checks dozens per record. Anything richer falls back to
/// `NSRegularExpression`, which JSON Schema's ECMA-style patterns fit.
public struct FixedPattern: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as thread-safe.
    private struct Token {
        var accepts: @Sendable (Unicode.Scalar) -> Bool
        var minimum: Int
        var maximum: Int
    }

    private let tokens: [Token]?
    private let anchoredStart: Bool
    private let anchoredEnd: Bool
    private let fallback: NSRegularExpression?

    /// Compiles `pattern`; throws when it is not a valid regular expression.
    public init(_ pattern: String) throws {
        if let simple = Self.compileSimple(pattern) {
            tokens = simple.tokens
            anchoredStart = simple.start
            anchoredEnd = simple.end
            fallback = nil
        } else {
            tokens = nil
            anchoredStart = false
            anchoredEnd = false
            fallback = try NSRegularExpression(pattern: Self.icu(pattern))
        }
    }

    /// Whether the pattern matches somewhere in `text` (JSON Schema patterns are not implicitly anchored).
    public func matches(_ text: String) -> Bool {
        if let fallback {
            let range = NSRange(text.startIndex..., in: text)
            return fallback.firstMatch(in: text, range: range) != nil
        }
        let scalars = Array(text.unicodeScalars)
        if anchoredStart { return match(scalars, from: 0, token: 0) }
        for start in 0...scalars.count where match(scalars, from: start, token: 0) { return true }
        return false
    }

    private func match(_ scalars: [Unicode.Scalar], from position: Int, token index: Int) -> Bool {
        guard let tokens else { return false }
        if index == tokens.count { return !anchoredEnd || position == scalars.count }
        let token = tokens[index]
        var count = 0
        while count < token.minimum {
            guard position + count < scalars.count, token.accepts(scalars[position + count]) else { return false }
            count += 1
        }
        var taken = count
        while taken < token.maximum, position + taken < scalars.count, token.accepts(scalars[position + taken]) {
            taken += 1
        }
        while taken >= count {
            if match(scalars, from: position + taken, token: index + 1) { return true }
            taken -= 1
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

    private static func compileSimple(_ pattern: String) -> (tokens: [Token], start: Bool, end: Bool)? {
        var scalars = Array(pattern.unicodeScalars)
        var start = false
        var end = false
        if scalars.first == "^" { start = true; scalars.removeFirst() }
        if scalars.last == "$", scalars.count < 2 || scalars[scalars.count - 2] != "\\" {
            end = true; scalars.removeLast()
        }
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            var accepts: @Sendable (Unicode.Scalar) -> Bool
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { return nil }
                let escaped = scalars[index + 1]
                index += 2
                switch escaped {
                case "d": accepts = { ("0"..."9").contains($0) }
                case ".", "-", "+", ":", "/", "\\", "(", ")", "[", "]", "{", "}", "?", "*", "|", "^", "$":
                    accepts = { $0 == escaped }
                default: return nil
                }
            case "[":
                guard let (set, next) = parseClass(scalars, from: index + 1) else { return nil }
                accepts = set
                index = next
            case "(", ")", "|", "{", "}", "?", "*", "+", ".", "^", "$":
                return nil
            default:
                accepts = { $0 == scalar }
                index += 1
            }
            var minimum = 1
            var maximum = 1
            if index < scalars.count {
                switch scalars[index] {
                case "?": minimum = 0; index += 1
                case "*": minimum = 0; maximum = Int.max; index += 1
                case "+": maximum = Int.max; index += 1
                case "{":
                    guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                    let body = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                    let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                    guard let low = Int(parts[0]) else { return nil }
                    minimum = low
                    if parts.count == 1 {
                        maximum = low
                    } else if parts[1].isEmpty {
                        maximum = Int.max
                    } else {
                        guard let high = Int(parts[1]) else { return nil }
                        maximum = high
                    }
                    index = close + 1
                default: break
                }
            }
            tokens.append(Token(accepts: accepts, minimum: minimum, maximum: maximum))
        }
        return (tokens, start, end)
    }

    private static func parseClass(
        _ scalars: [Unicode.Scalar], from start: Int
    ) -> (@Sendable (Unicode.Scalar) -> Bool, Int)? {
        var ranges: [ClosedRange<UInt32>] = []
        var index = start
        let negated = index < scalars.count && scalars[index] == "^"
        if negated { index += 1 }
        while index < scalars.count, scalars[index] != "]" {
            var low = scalars[index]
            if low == "\\" {
                guard index + 1 < scalars.count else { return nil }
                let escaped = scalars[index + 1]
                if escaped == "d" { ranges.append(48...57); index += 2; continue }
                guard "-.]\\^[+".unicodeScalars.contains(escaped) else { return nil }
                low = escaped
                index += 1
            }
            if index + 2 < scalars.count, scalars[index + 1] == "-", scalars[index + 2] != "]" {
                let high = scalars[index + 2]
                guard high != "\\", low.value <= high.value else { return nil }
                ranges.append(low.value...high.value)
                index += 3
            } else {
                ranges.append(low.value...low.value)
                index += 1
            }
        }
        guard index < scalars.count else { return nil }
        let frozen = ranges
        return ({ scalar in frozen.contains { $0.contains(scalar.value) } != negated }, index + 1)
    }
}
