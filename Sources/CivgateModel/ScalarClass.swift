/// A set of scalars: ranges, possibly negated, with a bitmap for ASCII.
struct ScalarClass {
    private let ranges: [ClosedRange<UInt32>]
    private let negated: Bool
    private let low: UInt64
    private let high: UInt64

    init(ranges: [ClosedRange<UInt32>], negated: Bool) {
        self.ranges = ranges
        self.negated = negated
        var low: UInt64 = 0
        var high: UInt64 = 0
        for value in UInt32(0)..<128 where ranges.contains(where: { $0.contains(value) }) != negated {
            if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
        }
        self.low = low
        self.high = high
    }

    init(_ scalar: Unicode.Scalar) {
        self.init(ranges: [scalar.value...scalar.value], negated: false)
    }

    func contains(_ value: UInt32) -> Bool {
        if value < 64 { return low & (1 << UInt64(value)) != 0 }
        if value < 128 { return high & (1 << UInt64(value - 64)) != 0 }
        return ranges.contains { $0.contains(value) } != negated
    }
}
