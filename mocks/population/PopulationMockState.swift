import CivgateModel
import Foundation

/// What the mock Population Database remembers: replies by idempotency key, effects (PINs created) per
/// key, issued PINs, registrations seen (for the duplicate check) and every request received.
actor PopulationMockState {
    /// A request as `GET /_mock/requests` lists it.
    struct Received: Sendable, Codable {
        var sequence: Int
        var key: String?
        var operation: String
        var receivedAt: String
        var valid: Bool
        var status: Int
        var outcome: String
        var replayed: Bool
        var pin: String?
        var error: String?
        var body: String
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
    }

    private var replies: [String: Reply] = [:]
    private(set) var effects: [String: Int] = [:]
    private var issued: Set<String> = []
    private var registrations: [String: String] = [:]
    private(set) var received: [Received] = []
    private var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    func storedReply(for key: String) -> Reply? { replies[key] }

    /// Runs `body` unless `key` already has a reply (then that reply comes back as `stored`). A reply
    /// `body` returns is remembered under the key and counted as one effect — all in one step of the
    /// actor, so concurrent requests with one key make one effect.
    func once<T: Sendable>(
        _ key: String, _ body: @Sendable (isolated PopulationMockState) -> (value: T, remember: Reply?)
    ) -> (value: T?, stored: Reply?) {
        if let stored = replies[key] { return (nil, stored) }
        let (value, remember) = body(self)
        if let remember {
            replies[key] = remember
            effects[key, default: 0] += 1
        }
        return (value, nil)
    }

    func remember(_ reply: Reply, for key: String) { replies[key] = reply }

    func countEffect(for key: String) { effects[key, default: 0] += 1 }

    /// The key under which an identical birth was already numbered, if any.
    func earlierRegistration(fingerprint: String) -> String? { registrations[fingerprint] }

    func register(fingerprint: String, key: String) {
        if registrations[fingerprint] == nil { registrations[fingerprint] = key }
    }

    /// A new PIN, unique in this mock: province code, century/sex digit, two-digit year, six digits.
    func issuePIN(provinceCode: String, sex: Sex, birthYear: Int) -> String? {
        for _ in 0..<1000 {
            let serial = Int(generator.next() % 1_000_000)
            guard
                let pin = PersonalIdentificationNumber(
                    provinceCode: provinceCode, sex: sex, birthYear: birthYear, serial: serial)
            else { return nil }
            if issued.insert(pin.digits).inserted { return pin.digits }
        }
        return nil
    }

    func log(_ entry: Received) {
        var entry = entry
        entry.sequence = received.count + 1
        received.append(entry)
    }

    func reset() {
        replies = [:]
        effects = [:]
        issued = []
        registrations = [:]
        received = []
    }
}
