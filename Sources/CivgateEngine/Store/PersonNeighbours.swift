import GRDB

/// The other deliveries of a new record's people, read once per record before its deliveries are
/// written: which earlier event still holds each new delivery up, and which later events, free to go
/// until now, must wait behind it (an earlier-registered event can arrive after a later one).
///
/// The other versions of the same registration count as the same person. One index probe per person
/// or version answers both questions for every destination; a new record without a PIN (most of a
/// backfill) costs nothing.
struct PersonNeighbours {
    private struct Entry {
        let deliveryID: String
        let destination: String
        let orderKey: String
        var state: DeliveryState
    }

    private var entries: [Entry] = []

    /// Reads the deliveries of `persons` and of the records `versions` (the other versions of the
    /// registration), each once, whatever the number of persons it shares.
    init(_ db: Database, persons: [String], versions: [String]) throws {
        var seen: Set<String> = []
        var found: [Entry] = []
        let collect = { (row: StatementRun.Row) in
            let id = row.text(0) ?? ""
            guard seen.insert(id).inserted else { return }
            found.append(
                Entry(
                    deliveryID: id, destination: row.text(1) ?? "", orderKey: row.text(2) ?? "",
                    state: DeliveryState(rawValue: row.text(3) ?? "") ?? .pending))
        }
        for person in Set(persons) {
            var query = try StatementRun(
                db,
                sql: """
                    SELECT dp.delivery_id, dp.destination, dp.order_key, d.state FROM delivery_persons dp
                    JOIN deliveries d ON d.id = dp.delivery_id WHERE dp.person_key = ?
                    """)
            query.text(person)
            try query.rows(db, collect)
        }
        for recordID in versions {
            var query = try StatementRun(
                db, sql: "SELECT id, destination, order_key, state FROM deliveries WHERE record_id = ?")
            query.text(recordID)
            try query.rows(db, collect)
        }
        entries = found
    }

    /// The earliest unfinished delivery at `destination` registered before `orderKey`, of the same
    /// person or registration: what `DeliveryOrdering.blocker` would find for a delivery with that key.
    func blocker(at destination: String, before orderKey: String) -> String? {
        entries.filter {
            $0.destination == destination && $0.orderKey < orderKey
                && DeliveryOrdering.unfinishedStates.contains($0.state)
        }
        .min { $0.orderKey < $1.orderKey }?.deliveryID
    }

    /// Later deliveries at `destination` that were free to go (`pending`, `retrying`), with their state;
    /// they are counted as `waiting` from now on, so a second delivery of the record does not take them again.
    mutating func holdLater(at destination: String, after orderKey: String) -> [(id: String, from: DeliveryState)] {
        var held: [(id: String, from: DeliveryState)] = []
        for index in entries.indices
        where entries[index].destination == destination && entries[index].orderKey > orderKey
            && (entries[index].state == .pending || entries[index].state == .retrying)
        {
            held.append((entries[index].deliveryID, entries[index].state))
            entries[index].state = .waiting
        }
        return held
    }
}
