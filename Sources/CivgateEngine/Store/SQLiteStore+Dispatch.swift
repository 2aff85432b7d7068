import Foundation
import GRDB

// Every statement here is cached (`cachedStatement`): claims and completions are most of the writer's
// work while deliveries run, and compiling SQL was half of it. The frequent ones bind and read through
// `StatementRun`, without GRDB's boxing of arguments and rows.
extension SQLiteStore {
    // Claims and results wait for earlier commits to be on disk, not for their own: a claim lost in a
    // power cut is claimed again, a lost result's attempt is repeated, both under the same outbound key
    // (at least once, as after a crash in mid-attempt). This takes one sync off every delivery's path.
    public func claim(destination: String, lane: Lane, owner: String, limit: Int, now: Int64, leaseUntil: Int64)
        async throws -> [ClaimedDelivery]
    {
        try await writing(lane: lane, durability: .earlierCommits) { db in
            try Self.claim(
                db, destination: destination, lane: lane, owner: owner, limit: limit, now: now,
                leaseUntil: leaseUntil)
        }
    }

    public func completeAndClaim(
        _ completions: [DeliveryCompletion], destination: String, lane: Lane, owner: String, limit: Int, now: Int64,
        leaseUntil: Int64
    ) async throws -> ClaimRound {
        try await writing(lane: lane, durability: .earlierCommits) { db in
            var round = ClaimRound()
            for completion in completions {
                round.released.formUnion(try Self.complete(db, completion, now: now))
            }
            if limit > 0 {
                round.claimed = try Self.claim(
                    db, destination: destination, lane: lane, owner: owner, limit: limit, now: now,
                    leaseUntil: leaseUntil)
            }
            return round
        }
    }

    private static func claim(
        _ db: Database, destination: String, lane: Lane, owner: String, limit: Int, now: Int64, leaseUntil: Int64
    ) throws -> [ClaimedDelivery] {
        var dueQuery = try StatementRun(
            db,
            sql: """
                SELECT id, state, lease_owner FROM (
                  SELECT * FROM (SELECT id, state, lease_owner, next_attempt_at AS due FROM deliveries
                    WHERE destination = ?1 AND lane = ?2 AND state = 'pending' AND next_attempt_at <= ?3
                    ORDER BY next_attempt_at LIMIT ?4)
                  UNION ALL
                  SELECT * FROM (SELECT id, state, lease_owner, next_attempt_at AS due FROM deliveries
                    WHERE destination = ?1 AND lane = ?2 AND state = 'retrying' AND next_attempt_at <= ?3
                    ORDER BY next_attempt_at LIMIT ?4)
                  UNION ALL
                  SELECT * FROM (SELECT id, state, lease_owner, lease_expires_at AS due FROM deliveries
                    WHERE destination = ?1 AND lane = ?2 AND state = 'in_flight' AND lease_expires_at <= ?3
                    LIMIT ?4)
                ) ORDER BY due LIMIT ?4
                """)
        // Three index range scans (destination, lane, state, next_attempt_at) instead of one scan
        // and sort of every delivery of the destination: claims stay fast as the store grows.
        dueQuery.text(destination)
        dueQuery.text(lane.rawValue)
        dueQuery.integer(now)
        dueQuery.integer(limit)
        var due: [(id: String, state: String, leaseOwner: String?)] = []
        try dueQuery.rows(db) { row in due.append((row.text(0) ?? "", row.text(1) ?? "", row.text(2))) }
        return try due.compactMap { row in
            let id = row.id
            let previous = DeliveryState(rawValue: row.state) ?? .pending
            // An earlier event of the same person may have arrived since this one became due (or
            // while its last attempt was in flight): it goes first.
            if previous != .inFlight, let blocker = try DeliveryOrdering.blocker(db, of: id) {
                try DeliveryOrdering.hold(db, id: id, from: previous, behind: blocker, now: now)
                return nil
            }
            var take = try StatementRun(
                db,
                sql: """
                    UPDATE deliveries SET state = 'in_flight', lease_owner = ?, lease_expires_at = ?,
                      attempts = attempts + 1, updated_at = ?
                    WHERE id = ?
                    """)
            take.text(owner)
            take.integer(leaseUntil)
            take.integer(now)
            take.text(id)
            try take.run(db)
            let cause =
                previous == .inFlight
                ? "lease of \(row.leaseOwner ?? "?") expired; claimed by \(owner)"
                : "claimed by \(owner)"
            try StoreQueries.insertTransition(
                db, deliveryID: id, from: previous, to: .inFlight, cause: cause, at: now)
            return try Self.loadClaim(db, id: id)
        }
    }

    private static func loadClaim(_ db: Database, id: String) throws -> ClaimedDelivery {
        var query = try StatementRun(
            db,
            sql: """
                SELECT d.record_id, d.destination, d.operation, d.attempts, d.outbound_key, d.confirmations,
                  d.budget_attempts, d.budget_since, r.document, r.received_at, r.inherited_results
                FROM deliveries d JOIN records r ON r.id = d.record_id WHERE d.id = ?
                """)
        query.text(id)
        let found = try query.first(db) { row in
            let attempts = Int(row.integer(3))
            return ClaimedDelivery(
                id: id, recordID: row.text(0) ?? "", destination: row.text(1) ?? "", operation: row.text(2) ?? "",
                attempt: attempts, outboundKey: row.text(4) ?? "", document: row.blob(8) ?? Data(),
                recordReceivedAt: row.integer(9),
                // Results an earlier version of the record already obtained (e.g. its PIN); this version's
                // own are added below.
                upstreamResults: StoreQueries.decode([String: [String: String]].self, row.blob(10)) ?? [:],
                confirmations: try row.blob(5).map { try JSONDecoder().decode(Set<String>.self, from: $0) } ?? [],
                attemptInBudget: attempts - Int(row.integer(6)), budgetSince: row.integer(7))
        }
        guard var claimed = found else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "claimed delivery \(id) not found"))
        }
        // `+state`: use the record index, not the state index (which would read every succeeded row).
        var results = try StatementRun(
            db, sql: "SELECT operation, result FROM deliveries WHERE record_id = ? AND +state = 'succeeded'")
        results.text(claimed.recordID)
        try results.rows(db) { row in
            guard let data = row.blob(1) else { return }
            guard let decoded = FlatJSON.decode(data) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "deliveries.result"))
            }
            claimed.upstreamResults[row.text(0) ?? ""] = decoded
        }
        return claimed
    }

    @discardableResult
    public func complete(_ completion: DeliveryCompletion, now: Int64) async throws -> Set<String> {
        try await writing { db in try Self.complete(db, completion, now: now) }
    }

    private static func complete(_ db: Database, _ completion: DeliveryCompletion, now: Int64) throws -> Set<String> {
        var holderQuery = try StatementRun(
            db, sql: "SELECT state, lease_owner, attempts FROM deliveries WHERE id = ?")
        holderQuery.text(completion.deliveryID)
        let holds = try holderQuery.first(db) { holder in
            // A worker whose lease expired lost the delivery to another: its late answer is not applied.
            holder.text(0) == DeliveryState.inFlight.rawValue && holder.text(1) == completion.leaseOwner
                // Fencing: a claim taken over in the same process has another attempt number.
                && holder.integer(2) == Int64(completion.attempt.number)
        }
        guard holds == true else { return [] }
        let attempt = completion.attempt
        var completion = completion
        if completion.newState != .succeeded, try Self.isSuperseded(db, deliveryID: completion.deliveryID) {
            // A newer version arrived while this attempt ran: it replaces this delivery.
            completion.newState = .discarded
            completion.cause += "; superseded by a newer version of the record"
        } else if completion.newState == .retrying,
            let blocker = try DeliveryOrdering.blocker(db, of: completion.deliveryID)
        {
            // An earlier event of the same person arrived while this attempt ran: it goes first.
            // (The failed attempt itself is in the attempt log.)
            completion.newState = .waiting
            completion.cause = "waits for the person's earlier event \(blocker)"
        }
        var insertAttempt = try StatementRun(
            db,
            sql: """
                INSERT INTO attempts (delivery_id, number, started_at, duration_ms, http_status, outcome,
                  error_class, detail, request_digest, response_excerpt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertAttempt.text(completion.deliveryID)
        insertAttempt.integer(attempt.number)
        insertAttempt.integer(attempt.startedAt)
        insertAttempt.integer(attempt.durationMs)
        insertAttempt.integer(attempt.httpStatus)
        insertAttempt.text(attempt.outcome)
        insertAttempt.text(attempt.errorClass)
        insertAttempt.text(attempt.detail)
        insertAttempt.text(attempt.requestDigest)
        insertAttempt.text(attempt.responseExcerpt)
        try insertAttempt.run(db)
        let succeeded = completion.newState == .succeeded
        var update = try StatementRun(
            db,
            sql: """
                UPDATE deliveries SET state = ?, lease_owner = NULL, lease_expires_at = NULL,
                  next_attempt_at = COALESCE(?, next_attempt_at), result = COALESCE(?, result),
                  last_error_code = ?, last_error_detail = ?, last_error_at = ?, missing_fields = ?,
                  last_request = COALESCE(?, last_request), updated_at = ?
                WHERE id = ?
                """)
        update.text(completion.newState.rawValue)
        update.integer(completion.nextAttemptAt)
        update.blob(completion.result.map(FlatJSON.encode))
        update.text(succeeded ? nil : completion.errorCode)
        update.text(succeeded ? nil : completion.errorDetail)
        update.integer(succeeded ? nil : now)
        update.blob(try completion.missingFields.map(StoreQueries.encode))
        update.blob(completion.requestBody)
        update.integer(now)
        update.text(completion.deliveryID)
        try update.run(db)
        try StoreQueries.insertTransition(
            db, deliveryID: completion.deliveryID, from: .inFlight, to: completion.newState,
            cause: completion.cause, at: now)
        guard succeeded || completion.newState == .discarded else { return [] }
        return try DeliveryOrdering.releaseWaiting(
            after: completion.deliveryID, finished: completion.newState, now: now, db)
    }

    private static func isSuperseded(_ db: Database, deliveryID: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM deliveries d JOIN records r ON r.id = d.record_id
                      JOIN records newer ON newer.source_system = r.source_system
                        AND newer.source_record_id = r.source_record_id AND newer.source_version > r.source_version
                      WHERE d.id = ?)
                    """),
            arguments: [deliveryID]) ?? false
    }

    public func renewLease(id: String, owner: String, attempt: Int, until: Int64) async throws -> Bool {
        try await renewLeases([id: attempt], owner: owner, until: until).isEmpty
    }

    public func renewLeases(_ held: [String: Int], owner: String, until: Int64) async throws -> Set<String> {
        guard !held.isEmpty else { return [] }
        return try await writing { db in
            let renew = try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET lease_expires_at = ?
                    WHERE id = ? AND lease_owner = ? AND attempts = ? AND state = 'in_flight'
                    """)
            var lost: Set<String> = []
            for (id, attempt) in held {
                try renew.execute(arguments: [until, id, owner, attempt])
                if db.changesCount != 1 { lost.insert(id) }
            }
            return lost
        }
    }

    /// Every lane, as an SQL list.
    private static let allLanes = "(" + Lane.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    @discardableResult
    public func releaseLeases(owner: String, now: Int64) async throws -> Int {
        try await writing { db in
            // Each destination in turn, on the due index (one seek per destination, not a scan of the table).
            let held = try String.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE destination(name) AS (
                      SELECT MIN(destination) FROM deliveries
                      UNION ALL
                      SELECT (SELECT MIN(destination) FROM deliveries WHERE destination > name) FROM destination
                      WHERE name IS NOT NULL
                    )
                    SELECT id FROM deliveries
                    WHERE destination IN (SELECT name FROM destination WHERE name IS NOT NULL)
                      AND lane IN \(Self.allLanes) AND state = 'in_flight' AND lease_owner = ?
                    """,
                arguments: [owner])
            for id in held {
                // The attempt never finished: it does not count, and the next one reuses the same key.
                try db.execute(
                    sql: """
                        UPDATE deliveries SET attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
                          state = CASE WHEN attempts - 1 > 0 THEN 'retrying' ELSE 'pending' END,
                          next_attempt_at = ?, updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [now, now, id])
                let state = try String.fetchOne(db, sql: "SELECT state FROM deliveries WHERE id = ?", arguments: [id])
                try StoreQueries.insertTransition(
                    db, deliveryID: id, from: .inFlight, to: DeliveryState(rawValue: state ?? "pending") ?? .pending,
                    cause: "lease released by \(owner) at shutdown", at: now)
            }
            return held.count
        }
    }
}
