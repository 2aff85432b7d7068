public import Foundation
import GRDB

extension SQLiteStore {
    /// Deliveries matching `filter`, in registration order, one page.
    public func listDeliveries(_ filter: DeliveryFilter) async throws -> [DeliveryRow] {
        try await pool.read { db in
            let (clause, arguments) = Self.whereClause(filter)
            var sql = """
                SELECT d.id, d.record_id, d.destination, d.operation, d.lane, d.state, d.attempts, d.last_error_code,
                  d.last_error_detail, d.updated_at, d.order_key, r.source_record_id, r.source_version, r.event,
                  r.authority_code
                FROM deliveries d JOIN records r ON r.id = d.record_id
                WHERE \(clause)
                """
            var all = arguments
            if let after = filter.after {
                sql += " AND (d.order_key || '|' || d.id) > ?"
                all += [after]
            }
            sql += " ORDER BY d.order_key, d.id LIMIT ?"
            all += [filter.limit]
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(all)).map { row in
                DeliveryRow(
                    id: row["id"], recordId: row["record_id"], sourceRecordId: row["source_record_id"],
                    sourceVersion: row["source_version"], event: row["event"], authority: row["authority_code"],
                    destination: row["destination"], operation: row["operation"],
                    lane: Lane(rawValue: row["lane"]) ?? .live,
                    state: DeliveryState(rawValue: row["state"]) ?? .pending,
                    attempts: row["attempts"], lastErrorCode: row["last_error_code"],
                    lastErrorDetail: row["last_error_detail"], updatedAt: Timestamp.iso(row["updated_at"]),
                    cursor: "\(row["order_key"] as String)|\(row["id"] as String)")
            }
        }
    }

    /// How many deliveries match `filter` (ignoring paging).
    public func countDeliveries(_ filter: DeliveryFilter) async throws -> Int {
        try await pool.read { db in
            let (clause, arguments) = Self.whereClause(filter)
            // The join only when a record column is filtered on: counting is polled, and the join grows
            // with the store.
            let join = filter.events.isEmpty && filter.authorities.isEmpty ? "" : "JOIN records r ON r.id = d.record_id"
            return try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM deliveries d \(join) WHERE \(clause)",
                arguments: StatementArguments(arguments)) ?? 0
        }
    }

    static func whereClause(_ filter: DeliveryFilter) -> (String, [any DatabaseValueConvertible]) {
        var parts = ["1"]
        var arguments: [any DatabaseValueConvertible] = []
        func any(_ column: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            parts.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            arguments += values
        }
        any("d.id", filter.ids)
        any("d.state", filter.states.map(\.rawValue))
        if !filter.states.isEmpty, filter.states.allSatisfy({ !SQLiteSchema.everyDeliveryStates.contains($0) }) {
            // Implied by the states asked for; written out so that SQLite uses the partial state index.
            parts.append(SQLiteSchema.attentionIndexTerm(column: "d.state"))
        }
        any("d.destination", filter.destinations)
        any("r.event", filter.events)
        any("r.authority_code", filter.authorities)
        any("d.last_error_code", filter.errorCodes)
        any("d.record_id", filter.recordIDs)
        any("d.lane", filter.lanes.map(\.rawValue))
        if let since = filter.since {
            parts.append("d.updated_at >= ?")
            arguments.append(since)
        }
        if let until = filter.until {
            parts.append("d.updated_at < ?")
            arguments.append(until)
        }
        return (parts.joined(separator: " AND "), arguments)
    }

    /// Puts `dead`, `review` and `needs_data` deliveries back in the queue with a fresh retry budget.
    /// `newKey` starts a new outbound idempotency key (a new operation at the destination) instead of
    /// finishing the same one. Each delivery is audited.
    public func replay(ids: [String], newKey: Bool, actor: String, reason: String, now: Int64) async throws
        -> [OperatorOutcome]
    {
        try await writing { db in
            try ids.map { id in
                guard let row = try Self.operatorRow(db, id: id) else {
                    return OperatorOutcome(id: id, result: "not-found", detail: "no delivery with this id")
                }
                let state = DeliveryState(rawValue: row["state"]) ?? .pending
                guard DeliveryState.replayable.contains(state) else {
                    return OperatorOutcome(
                        id: id, result: "skipped", from: state,
                        detail: "only dead, review and needs_data deliveries are replayed")
                }
                var key: String = row["outbound_key"]
                var generation: Int = row["key_generation"]
                if newKey {
                    generation += 1
                    key = Identifiers.outboundKey(
                        system: row["source_system"], recordID: row["source_record_id"], version: row["source_version"],
                        destination: row["destination"], operation: row["operation"], generation: generation)
                }
                try db.execute(
                    sql: """
                        UPDATE deliveries SET outbound_key = ?, key_generation = ?, budget_attempts = attempts,
                          budget_since = ?, next_attempt_at = ?, missing_fields = NULL WHERE id = ?
                        """,
                    arguments: [key, generation, now, now, id])
                let target = try Self.readyState(db, id: id)
                try DeliveryOrdering.move(
                    db, deliveryID: id, from: state, to: target,
                    cause: "replayed by \(actor)\(newKey ? " with a new outbound key" : ""): \(reason)", now: now)
                try Self.audit(
                    db, actor: actor, action: "replay", target: id, reason: reason,
                    details: ["from": state.rawValue, "newKey": String(newKey), "outboundKey": key], now: now)
                return OperatorOutcome(id: id, result: "replayed", from: state, to: target)
            }
        }
    }

    /// Records an operator's confirmation on a delivery under review and sends it again.
    public func resolve(id: String, confirmation: String, actor: String, reason: String, now: Int64) async throws
        -> OperatorOutcome
    {
        try await writing { db in
            guard let row = try Self.operatorRow(db, id: id) else {
                return OperatorOutcome(id: id, result: "not-found", detail: "no delivery with this id")
            }
            let state = DeliveryState(rawValue: row["state"]) ?? .pending
            guard state == .review else {
                return OperatorOutcome(
                    id: id, result: "skipped", from: state, detail: "only deliveries under review are resolved")
            }
            var confirmations = StoreQueries.decode(Set<String>.self, row["confirmations"]) ?? []
            confirmations.insert(confirmation)
            try db.execute(
                sql: """
                    UPDATE deliveries SET confirmations = ?, budget_attempts = attempts, budget_since = ?,
                      next_attempt_at = ? WHERE id = ?
                    """,
                arguments: [try StoreQueries.encode(confirmations), now, now, id])
            let target = try Self.readyState(db, id: id)
            try DeliveryOrdering.move(
                db, deliveryID: id, from: state, to: target, cause: "resolved by \(actor) (\(confirmation)): \(reason)",
                now: now)
            try Self.audit(
                db, actor: actor, action: "resolve", target: id, reason: reason,
                details: ["confirmation": confirmation, "from": state.rawValue], now: now)
            return OperatorOutcome(id: id, result: "resolved", from: state, to: target)
        }
    }

    /// Gives up on deliveries for good (never for succeeded or in-flight ones); audited.
    public func discard(ids: [String], actor: String, reason: String, now: Int64) async throws -> [OperatorOutcome] {
        try await writing { db in
            try ids.map { id in
                guard let row = try Self.operatorRow(db, id: id) else {
                    return OperatorOutcome(id: id, result: "not-found", detail: "no delivery with this id")
                }
                let state = DeliveryState(rawValue: row["state"]) ?? .pending
                guard DeliveryState.discardable.contains(state) else {
                    return OperatorOutcome(
                        id: id, result: "skipped", from: state,
                        detail: "succeeded, in-flight and discarded deliveries cannot be discarded")
                }
                try DeliveryOrdering.move(
                    db, deliveryID: id, from: state, to: .discarded, cause: "discarded by \(actor): \(reason)", now: now
                )
                try Self.audit(
                    db, actor: actor, action: "discard", target: id, reason: reason, details: ["from": state.rawValue],
                    now: now)
                return OperatorOutcome(id: id, result: "discarded", from: state, to: .discarded)
            }
        }
    }

    /// Writes one audit entry on its own (e.g. for revealing personal data).
    public func audit(
        actor: String, action: String, target: String, reason: String, details: [String: String], now: Int64
    )
        async throws
    {
        try await writing { db in
            try Self.audit(db, actor: actor, action: action, target: target, reason: reason, details: details, now: now)
        }
    }

    /// The newest audit entries first.
    public func auditLog(limit: Int, since: Int64?) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_log WHERE at >= ? ORDER BY id DESC LIMIT ?",
                arguments: [since ?? 0, limit]
            ).map {
                AuditEntry(
                    id: $0["id"], at: Timestamp.iso($0["at"]), actor: $0["actor"], action: $0["action"],
                    target: $0["target"], reason: $0["reason"],
                    details: StoreQueries.decode([String: String].self, $0["details"]))
            }
        }
    }

    /// The stored record (normalised JSON) and the last message sent for a delivery.
    public func deliveryMaterial(id: String) async throws -> (record: Data, lastRequest: Data?)? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT r.document, d.last_request FROM deliveries d JOIN records r ON r.id = d.record_id WHERE d.id = ?",
                    arguments: [id])
            else { return nil }
            return (row["document"], row["last_request"])
        }
    }

    /// Per destination and lane: counts by state, oldest waiting, outcomes in the last `windowMinutes`.
    public func status(now: Int64, windowMinutes: Int = 15) async throws -> StatusReport {
        try await pool.read { db in
            var lanes: [String: StatusReport.Lane] = [:]
            func lane(_ destination: String, _ name: String) -> StatusReport.Lane {
                lanes["\(destination)|\(name)"]
                    ?? StatusReport.Lane(
                        destination: destination, lane: name, counts: [:], oldestWaitingSeconds: nil, recentAttempts: 0,
                        recentSucceeded: 0, recentFailed: 0, breaker: "unknown")
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT destination, lane, state, COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries
                    GROUP BY destination, lane, state
                    """)
            {
                var entry = lane(row["destination"], row["lane"])
                let state: String = row["state"]
                entry.counts[state] = row["n"]
                if ["pending", "retrying", "waiting", "in_flight"].contains(state) {
                    let age = Int((now - (row["oldest"] as Int64)) / 1000)
                    entry.oldestWaitingSeconds = max(entry.oldestWaitingSeconds ?? 0, age)
                }
                lanes["\(entry.destination)|\(entry.lane)"] = entry
            }
            let windowStart = now - Int64(windowMinutes) * 60_000
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT d.destination, d.lane, a.outcome, COUNT(*) AS n FROM attempts a
                    JOIN deliveries d ON d.id = a.delivery_id WHERE a.started_at >= ?
                    GROUP BY d.destination, d.lane, a.outcome
                    """,
                arguments: [windowStart])
            {
                var entry = lane(row["destination"], row["lane"])
                let count: Int = row["n"]
                entry.recentAttempts += count
                let outcome: String = row["outcome"]
                if ["success", "skipped"].contains(outcome) {
                    entry.recentSucceeded += count
                } else {
                    entry.recentFailed += count
                }
                lanes["\(entry.destination)|\(entry.lane)"] = entry
            }
            for row in try Row.fetchAll(db, sql: "SELECT destination, state FROM destination_health") {
                for key in lanes.keys where key.hasPrefix("\(row["destination"] as String)|") {
                    lanes[key]?.breaker = row["state"]
                }
            }
            return StatusReport(
                generatedAt: Timestamp.iso(now), windowMinutes: windowMinutes,
                lanes: lanes.values.sorted { ($0.destination, $0.lane) < ($1.destination, $1.lane) })
        }
    }

    /// Records the breaker state of a destination, for `civgate status` in another process.
    public func reportHealth(destination: String, state: String, now: Int64) async throws {
        try await writing { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO destination_health (destination, state, updated_at) VALUES (?, ?, ?)",
                arguments: [destination, state, now])
        }
    }

    private static func operatorRow(_ db: Database, id: String) throws -> Row? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT d.*, r.source_system, r.source_record_id, r.source_version FROM deliveries d
                JOIN records r ON r.id = d.record_id WHERE d.id = ?
                """,
            arguments: [id])
    }

    /// `pending`, or `waiting` while its dependency or an earlier event of its person is unfinished.
    private static func readyState(_ db: Database, id: String) throws -> DeliveryState {
        if let dependency = try String.fetchOne(
            db, sql: "SELECT depends_on FROM deliveries WHERE id = ?", arguments: [id]),
            try String.fetchOne(db, sql: "SELECT state FROM deliveries WHERE id = ?", arguments: [dependency])
                != DeliveryState.succeeded.rawValue
        {
            return .waiting
        }
        return try DeliveryOrdering.blocker(db, of: id) == nil ? .pending : .waiting
    }

    static func audit(
        _ db: Database, actor: String, action: String, target: String, reason: String, details: [String: String],
        now: Int64
    ) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at, actor, action, target, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [now, actor, action, target, reason, try StoreQueries.encode(details)])
    }
}
