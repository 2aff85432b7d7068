import Foundation
import GRDB

extension SQLiteStore {
    public func ingest(_ write: IngestWrite) async throws -> IngestWriteOutcome {
        try await writing(priority: write.record.lane == .live ? .live : .backfillIngest) { db in
            try Self.ingest(db, write)
        }
    }

    static func ingest(_ db: Database, _ write: IngestWrite) throws -> IngestWriteOutcome {
        let record = write.record
        let now = record.receivedAt
        if let key = write.idempotencyKey, let stored = try storedResponse(db, key: key, now: now) {
            return .keyTaken(stored)
        }
        // Every stored version of this registration, oldest first: the same version means a duplicate,
        // older ones are superseded by this one.
        var versionsQuery = try StatementRun(
            db,
            sql: """
                SELECT id, source_version FROM records WHERE source_system = ? AND source_record_id = ?
                ORDER BY source_version
                """)
        versionsQuery.text(record.source.system)
        versionsQuery.text(record.source.recordId)
        var versions: [(id: String, version: Int)] = []
        try versionsQuery.rows(db) { row in versions.append((row.text(0) ?? "", Int(row.integer(1)))) }
        var earlierIDs: [String] = []
        for (id, version) in versions {
            if version == record.source.version {
                let existingID = id
                let view = try StoreQueries.recordView(db, id: existingID)!
                let body = ViewJSONWriter.encode(view)
                try storeKey(db, write, recordID: existingID, status: 200, body: body)
                return .existing(view, body: body)
            }
            if version < record.source.version { earlierIDs.append(id) }
        }
        // A version that arrives after a newer one is kept and answered but sent nowhere: delivered after
        // the newer one, it would put its older data back at the destinations.
        let newer = versions.last { $0.version > record.source.version }
        let prior = newer == nil ? try supersede(earlierIDs, by: record, now: now, db) : PriorVersions()
        var warnings = record.warnings
        if let newer {
            let detail = "version \(newer.version) (\(newer.id)) of this registration is newer: this one goes nowhere"
            warnings.append(WarningView(code: "superseded-on-arrival", path: "$.source.version", detail: detail))
        }
        let inherited = prior.succeeded.values.reduce(into: [String: [String: String]]()) {
            $0.merge($1) { new, _ in new }
        }
        var insertRecord = try StatementRun(
            db,
            sql: """
                INSERT INTO records (id, source_system, source_record_id, source_version, event, authority_code,
                  authority_system, registration_date, lane, document, originals, warnings, inherited_results,
                  received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertRecord.text(record.id)
        insertRecord.text(record.source.system)
        insertRecord.text(record.source.recordId)
        insertRecord.integer(record.source.version)
        insertRecord.text(record.event)
        insertRecord.text(record.authorityCode)
        insertRecord.text(record.authoritySystem)
        insertRecord.text(record.registrationDate)
        insertRecord.text(record.lane.rawValue)
        insertRecord.blob(record.document)
        insertRecord.blob(record.originals)
        insertRecord.blob(ViewJSONWriter.encode(warnings))
        insertRecord.blob(inherited.isEmpty ? nil : try StoreQueries.encode(inherited))
        insertRecord.integer(now)
        try insertRecord.run(db)
        var summaries: [DeliverySummary] = []
        // A version discarded on arrival neither waits for nor holds anyone: no neighbours to read.
        var neighbours = try PersonNeighbours(
            db, persons: newer == nil ? record.personKeys : [], versions: newer == nil ? versions.map(\.id) : [])
        for delivery in write.plan(prior) {
            let state =
                if let newer {
                    try insertDiscardedOnArrival(db, delivery, of: record, newer: newer, now: now)
                } else {
                    try insert(db, delivery, of: record, neighbours: &neighbours, now: now)
                }
            summaries.append(
                DeliverySummary(
                    id: delivery.id, destination: delivery.destination, operation: delivery.operation, state: state,
                    attempts: 0, nextAttemptAt: state == .pending ? Timestamp.iso(now) : nil, result: nil,
                    lastError: nil))
        }
        // The view of what was just written, built without reading it back (it is what `recordView`
        // would read: deliveries in step order, none attempted yet).
        let view = RecordView(
            id: record.id, source: record.source, event: record.event, lane: record.lane,
            receivedAt: Timestamp.iso(now), state: StoreQueries.aggregateState(summaries.map(\.state)),
            deliveries: summaries, warnings: warnings)
        // Without a key (batch lines) nothing stores or answers the body.
        let body = write.idempotencyKey == nil ? Data() : ViewJSONWriter.encode(view)
        try storeKey(db, write, recordID: record.id, status: 202, body: body)
        return .created(view, body: body)
    }

    /// Inserts a planned delivery in the state it starts in (no second write to set it) and returns it.
    private static func insert(
        _ db: Database, _ delivery: PlannedDelivery, of record: NewRecord, neighbours: inout PersonNeighbours,
        now: Int64
    ) throws -> DeliveryState {
        let blocker = neighbours.blocker(at: delivery.destination, before: record.orderKey)
        let state: DeliveryState = delivery.dependsOn == nil && blocker == nil ? .pending : .waiting
        try insertRow(db, delivery, of: record, state: state, now: now)
        for person in Set(record.personKeys) {
            var insertPerson = try StatementRun(
                db,
                sql:
                    "INSERT INTO delivery_persons (person_key, destination, order_key, delivery_id) VALUES (?, ?, ?, ?)"
            )
            insertPerson.text(person)
            insertPerson.text(delivery.destination)
            insertPerson.text(record.orderKey)
            insertPerson.text(delivery.id)
            try insertPerson.run(db)
        }
        // This event may be registered before events of the same people that arrived earlier.
        for later in neighbours.holdLater(at: delivery.destination, after: record.orderKey) {
            try DeliveryOrdering.hold(db, id: later.id, from: later.from, behind: delivery.id, now: now)
        }
        // A delivery that goes straight to pending has no row for it: its creation says as much
        // (`StoreQueries.deliveryView` shows it), and two B-tree inserts fewer per delivery is bulk intake's gain.
        let cause: String? =
            if let dependency = delivery.dependsOn { "accepted; waits for \(dependency)" } else if let blocker {
                "accepted; waits for the person's earlier event \(blocker)"
            } else { nil }
        if let cause {
            try StoreQueries.insertTransition(db, deliveryID: delivery.id, from: nil, to: state, cause: cause, at: now)
        }
        return state
    }

    /// Inserts a planned delivery of a version older than one already stored, discarded with its cause.
    private static func insertDiscardedOnArrival(
        _ db: Database, _ delivery: PlannedDelivery, of record: NewRecord, newer: (id: String, version: Int),
        now: Int64
    ) throws -> DeliveryState {
        try insertRow(db, delivery, of: record, state: .discarded, now: now)
        let cause = "superseded on arrival: version \(newer.version) (\(newer.id)) is newer"
        try StoreQueries.insertTransition(db, deliveryID: delivery.id, from: nil, to: .discarded, cause: cause, at: now)
        return .discarded
    }

    /// The delivery's row, in `state`.
    private static func insertRow(
        _ db: Database, _ delivery: PlannedDelivery, of record: NewRecord, state: DeliveryState, now: Int64
    ) throws {
        var insertDelivery = try StatementRun(
            db,
            sql: """
                INSERT INTO deliveries (id, record_id, destination, operation, step, depends_on, lane, state,
                  next_attempt_at, outbound_key, order_key, budget_since, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertDelivery.text(delivery.id)
        insertDelivery.text(record.id)
        insertDelivery.text(delivery.destination)
        insertDelivery.text(delivery.operation)
        insertDelivery.integer(delivery.step)
        insertDelivery.text(delivery.dependsOn)
        insertDelivery.text(record.lane.rawValue)
        insertDelivery.text(state.rawValue)
        insertDelivery.integer(now)
        insertDelivery.text(delivery.outboundKey)
        insertDelivery.text(record.orderKey)
        insertDelivery.integer(now)  // budget_since
        insertDelivery.integer(now)  // created_at
        insertDelivery.integer(now)  // updated_at
        try insertDelivery.run(db)
    }

    /// Earlier versions of the same registration: what they delivered is kept (a newer version of a
    /// delivered record goes as an update); what they had not delivered yet is replaced by this version.
    private static func supersede(_ recordIDs: [String], by record: NewRecord, now: Int64, _ db: Database) throws
        -> PriorVersions
    {
        var prior = PriorVersions()
        prior.recordIDs = recordIDs
        for recordID in recordIDs {
            for row in try Row.fetchAll(
                db, sql: "SELECT id, destination, operation, state, result FROM deliveries WHERE record_id = ?",
                arguments: [recordID])
            {
                let state = DeliveryState(rawValue: row["state"]) ?? .pending
                if state == .succeeded {
                    let result = StoreQueries.decode([String: String].self, row["result"]) ?? [:]
                    prior.succeeded[row["destination"], default: [:]][row["operation"]] = result
                } else if DeliveryState.supersedable.contains(state) {
                    try DeliveryOrdering.move(
                        db, deliveryID: row["id"], from: state, to: .discarded,
                        cause: "superseded by version \(record.source.version) (\(record.id))", now: now)
                }
            }
        }
        return prior
    }

    private static func storeKey(_ db: Database, _ write: IngestWrite, recordID: String, status: Int, body: Data) throws
    {
        guard let key = write.idempotencyKey else { return }
        // An expired entry for the same key may linger until the purge: the new one replaces it.
        var insert = try StatementRun(
            db,
            sql: """
                INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, record_id, status, response, created_at,
                  expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        insert.text(key)
        insert.text(write.fingerprint)
        insert.text(recordID)
        insert.integer(status)
        insert.blob(body)
        insert.integer(write.record.receivedAt)
        insert.integer(write.keyExpiresAt)
        try insert.run(db)
    }
}
