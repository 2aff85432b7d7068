import Foundation
import GRDB

extension SQLiteStore {
    public func ingest(_ write: IngestWrite) async throws -> IngestWriteOutcome {
        try await writing { db in try Self.ingest(db, write) }
    }

    static func ingest(_ db: Database, _ write: IngestWrite) throws -> IngestWriteOutcome {
        let record = write.record
        let now = record.receivedAt
        if let key = write.idempotencyKey, let stored = try storedResponse(db, key: key, now: now) {
            return .keyTaken(stored)
        }
        if let existingID = try String.fetchOne(
            db,
            sql: "SELECT id FROM records WHERE source_system = ? AND source_record_id = ? AND source_version = ?",
            arguments: [record.source.system, record.source.recordId, record.source.version])
        {
            let view = try StoreQueries.recordView(db, id: existingID)!
            let body = try StoreQueries.encode(view)
            try storeKey(db, write, recordID: existingID, status: 200, body: body)
            return .existing(view, body: body)
        }
        try db.execute(
            sql: """
                INSERT INTO records (id, source_system, source_record_id, source_version, event, authority_code,
                  authority_system, registration_date, lane, document, originals, warnings, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.id, record.source.system, record.source.recordId, record.source.version, record.event,
                record.authorityCode, record.authoritySystem, record.registrationDate, record.lane.rawValue,
                record.document, record.originals, try StoreQueries.encode(record.warnings), now,
            ])
        for delivery in record.deliveries {
            let state: DeliveryState = delivery.dependsOn == nil ? .pending : .waiting
            try db.execute(
                sql: """
                    INSERT INTO deliveries (id, record_id, destination, operation, step, depends_on, lane, state,
                      next_attempt_at, outbound_key, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    delivery.id, record.id, delivery.destination, delivery.operation, delivery.step,
                    delivery.dependsOn, record.lane.rawValue, state.rawValue, now, delivery.outboundKey, now, now,
                ])
            try StoreQueries.insertTransition(
                db, deliveryID: delivery.id, from: nil, to: state,
                cause: state == .waiting ? "accepted; waits for its dependency" : "accepted", at: now)
        }
        let view = try StoreQueries.recordView(db, id: record.id)!
        let body = try StoreQueries.encode(view)
        try storeKey(db, write, recordID: record.id, status: 202, body: body)
        return .created(view, body: body)
    }

    private static func storeKey(_ db: Database, _ write: IngestWrite, recordID: String, status: Int, body: Data) throws {
        guard let key = write.idempotencyKey else { return }
        // An expired entry for the same key may linger until the purge: the new one replaces it.
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, record_id, status, response, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [key, write.fingerprint, recordID, status, body, write.record.receivedAt, write.keyExpiresAt])
    }
}
