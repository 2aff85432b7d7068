import CivgateEngine
import Testing

/// Record and delivery ids: unique, time-ordered, in the documented shape.
@Suite struct IdentifiersTests {
    private static let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    @Test func idsOfOneMillisecondAreAllDifferent() {
        let ids = (0..<200_000).map { _ in Identifiers.make(prefix: "rec", now: 1_790_000_000_000) }
        #expect(Set(ids).count == ids.count)
        // The random part differs in its first characters too, not only in a counter's last ones.
        #expect(Set(ids.map { $0.dropFirst(4 + 10).prefix(4) }).count > 60_000)
    }

    @Test func idsHaveThePrefixTheTimeAndCrockfordBase32() {
        let id = Identifiers.make(prefix: "dlv", now: 1_790_000_000_000)
        #expect(id.hasPrefix("dlv_"))
        #expect(id.count == 4 + 26)
        #expect(id.dropFirst(4).allSatisfy { Self.alphabet.contains($0) })
        // 48-bit milliseconds in the first ten characters, so ids sort by their time.
        let earlier = Identifiers.make(prefix: "dlv", now: 1_789_999_999_999)
        #expect(earlier.prefix(14) < id.prefix(14))
        #expect(earlier < id)
    }
}
