import Foundation
import GRDB

/// Reads shared by the SQLite store's methods, and the JSON helpers for stored columns.
enum StoreQueries {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data?) -> T? {
        data.flatMap { try? JSONDecoder().decode(type, from: $0) }
    }

    static func insertTransition(
        _ db: Database, deliveryID: String, from: DeliveryState?, to: DeliveryState, cause: String, at: Int64
    ) throws {
        // Cached: every ingest, claim and completion writes transitions, and compiling SQL was half the
        // writer's time.
        var insert = try StatementRun(
            db, sql: "INSERT INTO transitions (delivery_id, at, from_state, to_state, cause) VALUES (?, ?, ?, ?, ?)")
        insert.text(deliveryID)
        insert.integer(at)
        insert.text(from?.rawValue)
        insert.text(to.rawValue)
        insert.text(cause)
        try insert.run(db)
    }

    static func recordView(_ db: Database, id: String) throws -> RecordView? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, source_system, source_record_id, source_version, event, lane, warnings, received_at
                    FROM records WHERE id = ?
                    """,
                arguments: [id])
        else { return nil }
        let deliveries = try Row.fetchAll(
            db, sql: "SELECT * FROM deliveries WHERE record_id = ? ORDER BY step", arguments: [id]
        ).map(summary)
        return RecordView(
            id: row["id"],
            source: RecordView.Source(
                system: row["source_system"], recordId: row["source_record_id"], version: row["source_version"]),
            event: row["event"], lane: Lane(rawValue: row["lane"]) ?? .live,
            receivedAt: Timestamp.iso(row["received_at"]),
            state: aggregateState(deliveries.map(\.state)),
            deliveries: deliveries, warnings: decode([WarningView].self, row["warnings"]) ?? [])
    }

    /// One word for a record's progress across its deliveries.
    static func aggregateState(_ states: [DeliveryState]) -> String {
        if states.contains(where: { [.review, .needsData, .dead].contains($0) }) { return "attention" }
        if !states.isEmpty && states.allSatisfy({ $0 == .discarded }) { return "discarded" }
        if states.allSatisfy({ $0 == .succeeded || $0 == .discarded }) { return "succeeded" }
        return "in-progress"
    }

    static func summary(_ row: Row) -> DeliverySummary {
        let state = DeliveryState(rawValue: row["state"]) ?? .pending
        let waitingForAttempt = state == .pending || state == .retrying
        return DeliverySummary(
            id: row["id"], destination: row["destination"], operation: row["operation"], state: state,
            attempts: row["attempts"], nextAttemptAt: waitingForAttempt ? Timestamp.iso(row["next_attempt_at"]) : nil,
            result: decode([String: String].self, row["result"]), lastError: lastError(row))
    }

    static func lastError(_ row: Row) -> ErrorView? {
        guard let code: String = row["last_error_code"] else { return nil }
        return ErrorView(
            code: code, detail: row["last_error_detail"] ?? "", at: Timestamp.iso(row["last_error_at"] ?? 0))
    }

    static func deliveryView(_ db: Database, id: String) throws -> DeliveryView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let summary = summary(row)
        var transitions = try Row.fetchAll(
            db, sql: "SELECT at, from_state, to_state, cause FROM transitions WHERE delivery_id = ? ORDER BY id",
            arguments: [id]
        ).map {
            TransitionView(at: Timestamp.iso($0["at"]), from: $0["from_state"], to: $0["to_state"], cause: $0["cause"])
        }
        // Ingest stores no row for a delivery accepted straight into pending (see `SQLiteStore.insert`).
        if transitions.first?.from != nil || transitions.isEmpty {
            let accepted = TransitionView(
                at: Timestamp.iso(row["created_at"]), from: nil, to: DeliveryState.pending.rawValue, cause: "accepted")
            transitions.insert(accepted, at: 0)
        }
        let attempts = try Row.fetchAll(
            db, sql: "SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id", arguments: [id]
        ).map {
            AttemptView(
                number: $0["number"], startedAt: Timestamp.iso($0["started_at"]), durationMs: $0["duration_ms"],
                httpStatus: $0["http_status"], outcome: $0["outcome"], errorClass: $0["error_class"],
                detail: $0["detail"], requestDigest: $0["request_digest"], responseExcerpt: $0["response_excerpt"])
        }
        return DeliveryView(
            id: summary.id, recordId: row["record_id"], destination: summary.destination, operation: summary.operation,
            step: row["step"], dependsOn: row["depends_on"], lane: Lane(rawValue: row["lane"]) ?? .live,
            state: summary.state, attempts: summary.attempts, outboundKey: row["outbound_key"],
            nextAttemptAt: summary.nextAttemptAt, result: summary.result, lastError: summary.lastError,
            missingFields: decode([String].self, row["missing_fields"]), createdAt: Timestamp.iso(row["created_at"]),
            updatedAt: Timestamp.iso(row["updated_at"]), transitions: transitions, attemptLog: attempts)
    }
}
