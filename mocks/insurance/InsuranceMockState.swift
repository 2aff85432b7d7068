import Foundation

/// What the mock BHXH remembers: replies by idempotency key, effects per key, one card per insurance
/// code, deaths and updates recorded, and every request received.
///
/// Each decision runs inside one actor call, so two requests with the same key or the same PIN cannot
/// both create a card.
actor InsuranceMockState {
    /// A request as `GET /_mock/requests` lists it (the population mock's shape).
    struct Received: Sendable, Codable {
        var sequence: Int
        var key: String?
        var operation: String
        var receivedAt: String
        var valid: Bool
        var status: Int
        var outcome: String
        var replayed: Bool
        var error: String?
        var body: String
    }

    /// An HTTP reply of the mock.
    struct Reply: Sendable {
        var status: Int
        var body: String
    }

    /// A card as the mock keeps it and returns it (`The` in the contract).
    struct Card: Sendable, Codable {
        struct Facility: Sendable, Codable {
            var ma: String
            var nguon: String
        }

        var maThe: String
        var maSoBHXH: String
        var giaTriTu: String
        var giaTriDen: String
        var noiDangKyKCBBanDau: Facility
    }

    private var replies: [String: Reply] = [:]
    private(set) var effects: [String: Int] = [:]
    private(set) var cards: [String: Card] = [:]
    private(set) var deaths: [String: String] = [:]
    private var moved: [String: String] = [:]
    private(set) var received: [Received] = []

    /// The reply first given for `key`, if any.
    func storedReply(for key: String) -> Reply? { replies[key] }

    /// Records an outcome for `key`: the reply is what a repeated key gets, the effect is counted once
    /// per processing (a correct client never makes it more than 1).
    func remember(_ reply: Reply, for key: String) {
        replies[key] = reply
        effects[key, default: 0] += 1
    }

    func card(for pin: String) -> Card? { cards[pin] }

    func store(_ card: Card) { cards[card.maSoBHXH] = card }

    func recordDeath(of pin: String, on date: String) { deaths[pin] = date }

    /// Moves a card to a re-issued PIN, and remembers the old PIN as known.
    func reissue(from previous: String, to pin: String) {
        moved[previous] = pin
        guard let card = cards.removeValue(forKey: previous) else { return }
        var updated = card
        updated.maSoBHXH = pin
        updated.maThe = String(card.maThe.prefix(5)) + String(pin.suffix(10))
        cards[pin] = updated
    }

    /// Whether BHXH knows a participant with this code. About 99 % of citizens are participants, so the
    /// mock knows every PIN except those whose six serial digits are `000000` (the way tests ask for a
    /// 404), unless it issued them a card.
    func isParticipant(_ pin: String) -> Bool {
        cards[pin] != nil || moved[pin] != nil || !pin.hasSuffix("000000")
    }

    func log(_ entry: Received) {
        var entry = entry
        entry.sequence = received.count + 1
        received.append(entry)
    }

    func reset() {
        replies = [:]
        effects = [:]
        cards = [:]
        deaths = [:]
        moved = [:]
        received = []
    }
}
