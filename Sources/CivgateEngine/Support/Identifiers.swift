import Crypto
public import Foundation
import Synchronization

/// Identifiers: time-ordered ids for records and deliveries, stable outbound idempotency keys, digests.
public enum Identifiers {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A ULID-style id with a prefix: `rec_01JD…` (48-bit time in ms, 80 random bits, Crockford base32).
    public static func make(prefix: String, now: Int64 = Timestamp.now()) -> String {
        let (high, low) = randomBits()
        var value = (UInt128(UInt64(now) & 0xFFFF_FFFF_FFFF) << 80) | UInt128(high) << 16 | UInt128(low)
        var characters = [UInt8](repeating: 0, count: 26)
        for index in stride(from: 25, through: 0, by: -1) {
            characters[index] = alphabet[Int(value & 31)]
            value >>= 5
        }
        return prefix + "_" + String(decoding: characters, as: UTF8.self)
    }

    /// A SplitMix64 sequence seeded once from the system's generator: `SystemRandomNumberGenerator` makes a
    /// `getrandom` call for every draw, two per id, and bulk intake makes three ids per record. Ids must
    /// be unique, not secret; the finaliser is a bijection of the counter, so no two ids of one process
    /// share their random bits, and the seed keeps processes apart.
    private static let sequence: Atomic<UInt64> = {
        var generator = SystemRandomNumberGenerator()
        return Atomic(generator.next())
    }()

    private static func randomBits() -> (UInt64, UInt16) {
        let counter = sequence.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        return (mix(counter), UInt16(truncatingIfNeeded: mix(counter ^ 0xD6E8_FEB8_6659_FD93)))
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// The outbound idempotency key of an operation: the same for every attempt and replay of
    /// (record, version, destination, operation); `generation` > 0 only when an operator asks for a new key.
    public static func outboundKey(
        system: String, recordID: String, version: Int, destination: String, operation: String, generation: Int = 0
    ) -> String {
        var material = [system, recordID, String(version), destination, operation].joined(separator: "\u{1F}")
        if generation > 0 { material += "\u{1F}\(generation)" }
        return "cg1-" + String(sha256Hex(Data(material.utf8)).prefix(40))
    }

    /// SHA-256 of `data`, lower-case hex.
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        let digest = SHA256.hash(data: data)
        return String(unsafeUninitializedCapacity: 64) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0xF)]
                index += 2
            }
            return 64
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
