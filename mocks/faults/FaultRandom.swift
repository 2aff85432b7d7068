/// SplitMix64, used twice: the Nth output of a stream seeded with the profile's seed becomes the state of
/// request N's own small stream. So a request's draws depend only on (seed, N), never on what came before.
struct FaultRandom {
    private static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var state: UInt64

    /// The stream for request `index` (0-based, by arrival) under `seed`.
    init(seed: UInt64, index: UInt64) {
        state = Self.mix(seed &+ (index &+ 1) &* Self.golden)
    }

    mutating func next() -> UInt64 {
        state &+= Self.golden
        return Self.mix(state)
    }

    /// A uniform draw in [0, 1) with 53 bits of precision.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    private static func mix(_ input: UInt64) -> UInt64 {
        var value = input
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
