public import CivgateModel

/// Who a record is about, for ordering: per person and destination, events go in registration order.
///
/// A person is known by PIN when the record carries one. The versions of one registration are kept in
/// order through the store's records (same source system and id), not by a key of their own: such a key
/// cost every record two more index entries per delivery, one of them on a random key.
public enum PersonKeys {
    /// Roles whose subject the event is about (parents, declarants and guardians are not).
    public static let principalRoles: Set<String> = [
        "child", "deceased", "person", "husband", "wife", "adoptee", "ward", "registrant", "subject",
    ]

    /// `pin:PIN` for each principal subject with a PIN; empty for a record that names none (a newborn).
    public static func of(_ record: CivilRecord) -> [String] {
        var keys: [String] = []
        for subject in record.subjects where principalRoles.contains(subject.role) {
            if let pin = subject.pin { keys.append("pin:\(pin)") }
        }
        return keys
    }

    /// Registration date (arrival date when the book has none), then arrival time, then id.
    public static func orderKey(registrationDate: String?, receivedAt: Int64, recordID: String) -> String {
        let date = registrationDate ?? String(Timestamp.iso(receivedAt).prefix(10))
        let time = String(receivedAt)
        return "\(date)|\(String(repeating: "0", count: max(0, 15 - time.count)))\(time)|\(recordID)"
    }
}
