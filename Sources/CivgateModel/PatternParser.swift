/// Parses the pattern subset ``FixedPattern`` runs itself: literals, `\d` and escaped punctuation,
/// classes `[…]`, groups `(a|b)` and the quantifiers `? * + {n} {n,} {n,m}`.
///
/// Anything else (`.`, `(?:`, lookarounds, inner anchors, other escapes) yields `nil`, and the pattern is
/// left to `NSRegularExpression`.
struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var atEnd: Bool { index == scalars.count }

    /// Alternatives separated by `|`, up to a `)` (not consumed) or the end.
    mutating func alternatives() -> [[PatternPiece]]? {
        var result: [[PatternPiece]] = []
        var current: [PatternPiece] = []
        while index < scalars.count {
            switch scalars[index] {
            case ")":
                result.append(current)
                return result
            case "|":
                result.append(current)
                current = []
                index += 1
            default:
                guard let piece = piece() else { return nil }
                current.append(piece)
            }
        }
        result.append(current)
        return result
    }

    private mutating func piece() -> PatternPiece? {
        let scalar = scalars[index]
        let atom: ScalarClass?
        var group: [[PatternPiece]]?
        switch scalar {
        case "\\":
            guard index + 1 < scalars.count else { return nil }
            let escaped = scalars[index + 1]
            index += 2
            switch escaped {
            case "d": atom = ScalarClass(ranges: [48...57], negated: false)
            case ".", "-", "+", ":", "/", "\\", "(", ")", "[", "]", "{", "}", "?", "*", "|", "^", "$":
                atom = ScalarClass(escaped)
            default: return nil
            }
        case "[":
            guard let (set, next) = Self.parseClass(scalars, from: index + 1) else { return nil }
            atom = set
            index = next
        case "(":
            guard index + 1 < scalars.count, scalars[index + 1] != "?" else { return nil }
            index += 1
            guard let inner = alternatives(), index < scalars.count, scalars[index] == ")" else { return nil }
            index += 1
            atom = nil
            group = inner
        case "{", "}", "?", "*", "+", ".", "^", "$":
            return nil
        default:
            atom = ScalarClass(scalar)
            index += 1
        }
        guard let (minimum, maximum) = quantifier() else { return nil }
        if let atom { return .scalars(atom, minimum: minimum, maximum: maximum) }
        return group.map { .group($0, minimum: minimum, maximum: maximum) }
    }

    private mutating func quantifier() -> (Int, Int)? {
        guard index < scalars.count else { return (1, 1) }
        switch scalars[index] {
        case "?": index += 1; return (0, 1)
        case "*": index += 1; return (0, Int.max)
        case "+": index += 1; return (1, Int.max)
        case "{":
            guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
            let body = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
            let parts = body.split(separator: ",", omittingEmptySubsequences: false)
            guard let low = Int(parts[0]) else { return nil }
            var high = low
            if parts.count > 1 {
                if parts[1].isEmpty {
                    high = Int.max
                } else {
                    guard let bound = Int(parts[1]) else { return nil }
                    high = bound
                }
            }
            index = close + 1
            return (low, high)
        default:
            return (1, 1)
        }
    }

    private static func parseClass(_ scalars: [Unicode.Scalar], from start: Int) -> (ScalarClass, Int)? {
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
        return (ScalarClass(ranges: ranges, negated: negated), index + 1)
    }
}
