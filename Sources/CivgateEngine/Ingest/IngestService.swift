public import CivgateModel
public import Foundation
public import Logging

/// Takes records in: idempotency, validation, normalisation, planning of deliveries, durable write.
///
/// The HTTP layer only translates; the rules of the IETF `Idempotency-Key` draft live here.
public final class IngestService: Sendable {
    /// What to answer.
    public enum Answer: Sendable {
        /// `recordID`: the record the response is about (its `Location`).
        case stored(status: Int, body: Data, replayed: Bool, recordID: String)
        case problem(Problem)
    }

    private let store: any GatewayStore
    let intake: RecordIntake
    private let routes: [String: [RouteStep]]
    private let retentionMilliseconds: Int64
    private let gate = IdempotencyGate()
    private let onAccepted: @Sendable (Set<String>) -> Void
    private let logger: Logger

    /// - Parameter onAccepted: told the destinations that have new work, to wake their workers.
    public init(
        store: any GatewayStore, intake: RecordIntake, configuration: GatewayConfiguration, logger: Logger,
        onAccepted: @escaping @Sendable (Set<String>) -> Void = { _ in }
    ) {
        self.store = store
        self.intake = intake
        self.routes = configuration.routes
        self.retentionMilliseconds = configuration.idempotency.retention.milliseconds
        self.onAccepted = onAccepted
        self.logger = logger
    }

    /// Whether a live record arrived within the last second: a backfill's intake then keeps to its smaller
    /// budget (`LowPriorityWorkers`).
    public static var liveRecordsArriving: Bool { LowPriorityWorkers.shared.liveIsActive }

    /// Handles one `POST /v1/records` body under an idempotency key. The key may come in the draft's
    /// structured-header form (a quoted string) or bare.
    public func submit(key rawKey: String?, body: Data, lane: Lane = .live) async -> Answer {
        // While live records arrive, a backfill's intake keeps to its smaller budget.
        if lane == .live { LowPriorityWorkers.shared.liveArrived() }
        let answer = await answer(key: rawKey, body: body, lane: lane)
        let outcome: String =
            switch answer {
            case .stored(let status, _, let replayed, _):
                replayed ? "replayed" : status == 202 ? "accepted" : "existing"
            case .problem(let problem): problem.code
            }
        Metrics.shared.increment("civgate_ingest_total", ["outcome": outcome])
        return answer
    }

    private func answer(key rawKey: String?, body: Data, lane: Lane) async -> Answer {
        guard let rawKey else {
            return .problem(
                Problem(
                    status: 400, code: "idempotency-key-missing", title: "Idempotency-Key missing",
                    detail: "POST /v1/records needs an Idempotency-Key header, unique per record submission"))
        }
        let key = Self.unquoted(rawKey)
        guard Self.isValidKey(key) else {
            return .problem(
                Problem(
                    status: 400, code: "idempotency-key-invalid", title: "Idempotency-Key invalid",
                    detail: "the key must be 1 to 255 visible ASCII characters"))
        }
        guard gate.enter(key) else {
            return .problem(
                Problem(
                    status: 409, code: "idempotency-key-in-progress", title: "Request in progress",
                    detail: "a request with this Idempotency-Key is still being processed; retry after it finishes"))
        }
        defer { gate.leave(key) }
        let fingerprint = Identifiers.sha256Hex(body)
        let now = Timestamp.now()
        // The stored key is looked up inside the write (a replay or a reused key is found there), so the
        // common case costs no extra read; only a rejected body looks the key up first, because a
        // reused key outranks the body's problems.
        switch intake.accept(body) {
        case .failure(let rejection):
            do {
                if let stored = try await store.storedResponse(forKey: key, now: now) {
                    return replay(stored, fingerprint: fingerprint)
                }
            } catch {
                return .problem(.storeUnavailable())
            }
            return .problem(Self.problem(for: rejection))
        case .success(let accepted):
            return await write(accepted, key: key, fingerprint: fingerprint, lane: lane, now: now).answer
        }
    }

    /// Stores an accepted record; answers with the response, the id of the record it is about (without a
    /// key, the body is left empty: batch lines only need the id) and, for a record stored now, the codes
    /// of its warnings.
    func write(
        _ accepted: RecordIntake.Accepted, key: String?, fingerprint: String, lane: Lane, now: Int64
    ) async -> (answer: Answer, recordID: String?, warnings: [String]) {
        let record = plan(accepted, lane: lane, now: now)
        let steps = routes[accepted.record.event.rawValue] ?? []
        // Planned here, off the writer's thread, for the usual case: no earlier version delivered anything
        // (ids and outbound keys cost random bytes and a SHA-256 per delivery).
        let fresh = Self.deliveries(for: accepted, steps: steps, prior: PriorVersions(), now: now)
        let write = IngestWrite(
            record: record,
            plan: { prior in
                prior.succeeded.isEmpty ? fresh : Self.deliveries(for: accepted, steps: steps, prior: prior, now: now)
            },
            idempotencyKey: key, fingerprint: fingerprint, keyExpiresAt: now + retentionMilliseconds)
        do {
            switch try await store.ingest(write) {
            case .created(let view, let body):
                onAccepted(Set(view.deliveries.filter { $0.state == .pending }.map(\.destination)))
                logger.debug("record accepted", metadata: ["record": "\(view.id)", "event": "\(view.event)"])
                return (
                    .stored(status: 202, body: body, replayed: false, recordID: view.id), view.id,
                    view.warnings.map(\.code)
                )
            case .existing(let view, let body):
                return (.stored(status: 200, body: body, replayed: false, recordID: view.id), view.id, [])
            case .keyTaken(let stored):
                return (replay(stored, fingerprint: fingerprint), nil, [])
            }
        } catch let error as StoreUnavailable {
            logger.error("store unavailable at ingest", metadata: ["error": "\(error.description)"])
            return (.problem(.storeUnavailable()), nil, [])
        } catch {
            logger.error("ingest write failed", metadata: ["error": "\(type(of: error))"])
            return (.problem(.storeUnavailable()), nil, [])
        }
    }

    private func replay(_ stored: StoredResponse, fingerprint: String) -> Answer {
        guard stored.fingerprint == fingerprint else {
            return .problem(
                Problem(
                    status: 422, code: "idempotency-key-reused", title: "Idempotency-Key reused",
                    detail: "this Idempotency-Key was used with a different payload"))
        }
        return .stored(status: stored.status, body: stored.body, replayed: true, recordID: stored.recordID)
    }

    /// The record to store; its deliveries are planned inside the write, knowing earlier versions.
    func plan(_ accepted: RecordIntake.Accepted, lane: Lane, now: Int64) -> NewRecord {
        let record = accepted.record
        let recordID = Identifiers.make(prefix: "rec", now: now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return NewRecord(
            id: recordID,
            source: RecordView.Source(
                system: record.source.system, recordId: record.source.recordId, version: record.source.version),
            event: record.event.rawValue, authorityCode: record.registration.authority.code,
            authoritySystem: record.registration.authority.codeSystem, registrationDate: record.registration.date,
            lane: lane, document: accepted.canonicalBytes,
            originals: accepted.normalizations.isEmpty ? nil : try? encoder.encode(accepted.normalizations),
            warnings: accepted.warnings.map { WarningView(code: $0.code, path: $0.path, detail: $0.detail) },
            receivedAt: now, personKeys: PersonKeys.of(record),
            orderKey: PersonKeys.orderKey(
                registrationDate: record.registration.date, receivedAt: now, recordID: recordID))
    }

    /// One delivery per route step that applies, given what earlier versions already delivered.
    static func deliveries(
        for accepted: RecordIntake.Accepted, steps: [RouteStep], prior: PriorVersions, now: Int64
    ) -> [PlannedDelivery] {
        let record = accepted.record
        var planned: [String: PlannedDelivery] = [:]
        var ordered: [PlannedDelivery] = []
        for (index, step) in steps.enumerated() {
            if let conditions = step.when,
                !conditions.contains(where: { RecordPath.isPresent($0, in: accepted.document) })
            {
                continue
            }
            var operation = step.operation
            if prior.didSucceed(destination: step.destination, operation: step.operation) {
                guard let update = step.onNewVersion else { continue }
                operation = update
            }
            var dependency: String?
            if let needed = step.dependsOn,
                step.unlessPresent.map({ !RecordPath.isPresent($0, in: accepted.document) }) ?? true
            {
                dependency = planned[needed]?.id
            }
            let delivery = PlannedDelivery(
                id: Identifiers.make(prefix: "dlv", now: now), destination: step.destination, operation: operation,
                step: index + 1, dependsOn: dependency,
                outboundKey: Identifiers.outboundKey(
                    system: record.source.system, recordID: record.source.recordId, version: record.source.version,
                    destination: step.destination, operation: operation))
            planned[step.operation] = delivery
            ordered.append(delivery)
        }
        return ordered
    }

    static func problem(for rejection: RecordIntake.Rejection) -> Problem {
        switch rejection {
        case .malformed:
            return Problem(
                status: 400, code: "malformed-json", title: "Malformed JSON", detail: "the body is not a JSON document")
        case .unknownEventType(let path):
            return Problem(
                status: 422, code: "unknown-event-type", title: "Unknown event type",
                detail: "event must be one of: \(EventType.allCases.map(\.rawValue).joined(separator: ", "))",
                errors: [SchemaViolation(path: path, code: "enum", detail: "is not a known event type")])
        case .invalid(let violations):
            return Problem(
                status: 422, code: "record-invalid", title: "Record invalid",
                detail: "the record breaks the inbound contract in \(violations.count) place(s)", errors: violations)
        }
    }

    static func unquoted(_ key: String) -> String {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") else { return trimmed }
        return String(trimmed.dropFirst().dropLast())
    }

    static func isValidKey(_ key: String) -> Bool {
        (1...255).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
