import Foundation
import GRDB

/// The rules that decide when a waiting delivery may go: its dependency succeeded, and no earlier event
/// of the same person is still undelivered at the same destination. The versions of one registration
/// (same source system and id) count as events of the same person, found through the records table.
///
/// Every statement is cached: ingest, claims and completions run them for each delivery (the frequent
/// ones through `StatementRun`).
enum DeliveryOrdering {
    /// States that still hold up later events of the same person.
    static let unfinishedStates: [DeliveryState] = [
        .pending, .inFlight, .retrying, .waiting, .review, .needsData, .dead,
    ]
    /// `unfinishedStates` as an SQL list.
    static let unfinished = "(" + unfinishedStates.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// The id of an earlier, unfinished delivery of the same person (or registration) and destination,
    /// if any.
    static func blocker(_ db: Database, of deliveryID: String) throws -> String? {
        // The earliest of both, as one lookup over every key of the delivery would find.
        var found: [(id: String, orderKey: String)] = []
        for sql in [personBlockerSQL, versionBlockerSQL] {
            var query = try StatementRun(db, sql: sql)
            query.text(deliveryID)
            if let row = try query.first(db, { row in (id: row.text(0) ?? "", orderKey: row.text(1) ?? "") }) {
                found.append(row)
            }
        }
        return found.min { $0.orderKey < $1.orderKey }?.id
    }

    /// An earlier unfinished delivery of the same person at the same destination, with its order key.
    static let personBlockerSQL = """
        SELECT other.delivery_id, other.order_key FROM delivery_persons mine
        JOIN delivery_persons other
          ON other.person_key = mine.person_key AND other.destination = mine.destination
          AND other.order_key < mine.order_key AND other.delivery_id <> mine.delivery_id
        JOIN deliveries d ON d.id = other.delivery_id
        WHERE mine.delivery_id = ? AND d.state IN \(unfinished)
        ORDER BY other.order_key LIMIT 1
        """

    /// An earlier unfinished delivery of another version of the registration at the same destination,
    /// with its order key.
    static let versionBlockerSQL = """
        SELECT other.id, other.order_key \(otherVersions(of: "mine", as: "other", orderKey: "<"))
        WHERE mine.id = ? AND other.state IN \(unfinished)
        ORDER BY other.order_key LIMIT 1
        """

    /// Waiting deliveries of other versions of the registration, registered at or after a finished one.
    static let laterVersionsSQL = """
        SELECT later.id, later.destination, later.depends_on
        \(otherVersions(of: "finished", as: "later", orderKey: ">="))
        WHERE finished.id = ? AND later.state = 'waiting'
        """

    /// FROM the delivery `alias`, the deliveries `other` of the other versions of its registration at
    /// its destination, whose order key compares to its own by `orderKey`. CROSS JOIN keeps this order
    /// (the versions by the records' unique index, then their deliveries by record) and INDEXED BY the
    /// index (without it the statement fails instead of scanning): left to choose, SQLite read every
    /// delivery of the destination, and the bench's backlog stalled behind claims that each scanned
    /// the whole store.
    private static func otherVersions(of alias: String, as other: String, orderKey comparison: String) -> String {
        """
        FROM deliveries \(alias)
        CROSS JOIN records \(alias)Record ON \(alias)Record.id = \(alias).record_id
        CROSS JOIN records version
          ON version.source_system = \(alias)Record.source_system
          AND version.source_record_id = \(alias)Record.source_record_id AND version.id <> \(alias)Record.id
        CROSS JOIN deliveries \(other) INDEXED BY deliveries_record
          ON \(other).record_id = version.id AND \(other).destination = \(alias).destination
          AND \(other).order_key \(comparison) \(alias).order_key
        """
    }

    /// Puts a delivery that may not go yet back to `waiting` behind `blocker`.
    static func hold(_ db: Database, id: String, from: DeliveryState, behind blocker: String, now: Int64) throws {
        var update = try StatementRun(
            db,
            sql: """
                UPDATE deliveries SET state = 'waiting', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
                WHERE id = ?
                """)
        update.integer(now)
        update.text(id)
        try update.run(db)
        try StoreQueries.insertTransition(
            db, deliveryID: id, from: from, to: .waiting, cause: "waits for the person's earlier event \(blocker)",
            at: now)
    }

    /// Moves a delivery to another state with its cause; releases what waited for it when it is done.
    static func move(
        _ db: Database, deliveryID: String, from: DeliveryState, to: DeliveryState, cause: String, now: Int64
    ) throws {
        try db.cachedStatement(
            sql:
                "UPDATE deliveries SET state = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?"
        ).execute(arguments: [to.rawValue, now, deliveryID])
        try StoreQueries.insertTransition(db, deliveryID: deliveryID, from: from, to: to, cause: cause, at: now)
        if to == .succeeded || to == .discarded {
            _ = try releaseWaiting(after: deliveryID, finished: to, now: now, db)
        }
    }

    /// Waiting deliveries that `finishedID` held up (its dependents, and later events of its people or
    /// later versions of its registration at its destination) become pending when nothing else holds
    /// them; returns their destinations.
    /// `finished` is the state it just reached (a dependent goes only once its dependency succeeded).
    static func releaseWaiting(
        after finishedID: String, finished: DeliveryState, now: Int64, _ db: Database
    ) throws -> Set<String> {
        // Three index lookups rather than one UNION (which sorts to remove duplicates); usually all are
        // empty, and a delivery found by more than one is released once. `+state`: the dependency index,
        // not the state index (which would read every waiting delivery, thousands during a backfill).
        var waiting: [(id: String, destination: String, dependsOn: String?)] = []
        let collect = { (row: StatementRun.Row) in waiting.append((row.text(0) ?? "", row.text(1) ?? "", row.text(2))) }
        var dependents = try StatementRun(
            db, sql: "SELECT id, destination, depends_on FROM deliveries WHERE depends_on = ? AND +state = 'waiting'")
        dependents.text(finishedID)
        try dependents.rows(db, collect)
        var laterEvents = try StatementRun(
            db,
            sql: """
                SELECT d.id, d.destination, d.depends_on FROM delivery_persons finished
                JOIN delivery_persons later
                  ON later.person_key = finished.person_key AND later.destination = finished.destination
                  AND later.order_key >= finished.order_key AND later.delivery_id <> finished.delivery_id
                JOIN deliveries d ON d.id = later.delivery_id
                WHERE finished.delivery_id = ? AND d.state = 'waiting'
                """)
        laterEvents.text(finishedID)
        try laterEvents.rows(db, collect)
        var laterVersions = try StatementRun(db, sql: laterVersionsSQL)
        laterVersions.text(finishedID)
        try laterVersions.rows(db, collect)
        var released: Set<String> = []
        var seen: Set<String> = []
        for (id, destination, dependsOn) in waiting {
            guard seen.insert(id).inserted else { continue }
            if let dependency = dependsOn {
                let state =
                    dependency == finishedID
                    ? finished.rawValue
                    : try String.fetchOne(
                        db.cachedStatement(sql: "SELECT state FROM deliveries WHERE id = ?"), arguments: [dependency])
                guard state == DeliveryState.succeeded.rawValue else { continue }
            }
            guard try blocker(db, of: id) == nil else { continue }
            var release = try StatementRun(
                db, sql: "UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ?")
            release.integer(now)
            release.integer(now)
            release.text(id)
            try release.run(db)
            try StoreQueries.insertTransition(
                db, deliveryID: id, from: .waiting, to: .pending, cause: "released: \(finishedID) finished", at: now)
            released.insert(destination)
        }
        return released
    }
}
