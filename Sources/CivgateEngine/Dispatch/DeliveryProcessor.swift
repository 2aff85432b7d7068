import CivgateModel
import Foundation
import Logging

/// Carries one claimed delivery through one attempt: map, send, classify, record.
struct DeliveryProcessor: Sendable {
    let adapter: any DestinationAdapter
    let transport: DestinationTransport
    let policy: RetryPolicy
    let directory: DestinationDirectory
    let owner: String
    let limiter: RateLimiter
    let logger: Logger

    /// What came of the attempt, before it is stored.
    private struct Step {
        var outcome: DeliveryOutcome
        var httpStatus: Int?
        var errorClass: String?
        var request: OutboundRequest?
        var responseExcerpt: String?
    }

    /// What one attempt did: the outcome to record (`nil` when cancelled: the lease is released at
    /// shutdown) and what it says about the destination's health (`nil`: nothing, e.g. no call was made).
    struct Result {
        var completion: DeliveryCompletion?
        var healthy: Bool?
    }

    /// Runs one attempt; the caller records its outcome (with its next claim, in the same transaction).
    func process(_ claimed: ClaimedDelivery) async -> Result {
        let started = Timestamp.now()
        let clock = ContinuousClock.now
        guard let step = await attempt(claimed) else { return Result() }
        let elapsed = ContinuousClock.now - clock
        let now = Timestamp.now()
        let completion = completion(for: claimed, step: step, startedAt: started, elapsed: elapsed, now: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        Metrics.shared.increment(
            "civgate_delivery_attempts_total",
            ["destination": claimed.destination, "operation": claimed.operation, "outcome": completion.attempt.outcome])
        Metrics.shared.increment("civgate_delivery_seconds_total", by: seconds, ["destination": claimed.destination])
        let healthy: Bool? =
            switch step.outcome {
            case .retry: step.request == nil ? nil : false
            case .needsData: nil
            default: step.request == nil ? nil : true
            }
        logger.debug(
            "attempt finished",
            metadata: [
                "delivery": "\(claimed.id)", "destination": "\(claimed.destination)", "attempt": "\(claimed.attempt)",
                "state": "\(completion.newState.rawValue)", "error": "\(completion.errorCode ?? "-")",
            ])
        return Result(completion: completion, healthy: healthy)
    }

    private func attempt(_ claimed: ClaimedDelivery) async -> Step? {
        let record: CivilRecord
        do {
            record = try CivilRecord.decodeStored(claimed.document)
        } catch {
            return Step(outcome: .permanent(code: "record-unreadable", detail: "the stored record cannot be read"))
        }
        let job = DeliveryJob(
            deliveryID: claimed.id, record: record, operation: claimed.operation, outboundKey: claimed.outboundKey,
            attempt: claimed.attempt, upstreamResults: claimed.upstreamResults, confirmations: claimed.confirmations,
            today: Self.todayInVietnam())
        switch adapter.prepare(job) {
        case .skip(let reason):
            return Step(outcome: .success(result: ["skipped": reason]))
        case .needsData(let fields, let detail):
            return Step(outcome: .needsData(fields: fields, detail: detail))
        case .unmappable(let code, let detail):
            return Step(outcome: .permanent(code: code, detail: detail))
        case .send(let request):
            let baseURL = await directory.url(for: claimed.destination)
            do {
                try await limiter.acquire()
                let reply = try await transport.send(request, baseURL: baseURL)
                return Step(
                    outcome: adapter.classify(reply, for: job), httpStatus: reply.status, request: request,
                    responseExcerpt: String(decoding: reply.body.prefix(512), as: UTF8.self))
            } catch let failure as DestinationTransport.Failure {
                if Task.isCancelled { return nil }
                return Step(
                    outcome: .retry(code: failure.errorClass, detail: failure.detail, after: nil),
                    errorClass: failure.errorClass, request: request)
            } catch {
                return nil
            }
        }
    }

    /// The calendar date in Vietnam (UTC+7, no daylight saving).
    static func todayInVietnam() -> String {
        String(Timestamp.iso(Timestamp.now() + 7 * 3_600_000).prefix(10))
    }

    private func completion(
        for claimed: ClaimedDelivery, step: Step, startedAt: Int64, elapsed: Duration, now: Int64
    ) -> DeliveryCompletion {
        let (seconds, attoseconds) = elapsed.components
        var attempt = AttemptRecord(
            number: claimed.attempt, startedAt: startedAt,
            durationMs: Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000), httpStatus: step.httpStatus,
            outcome: "", errorClass: step.errorClass, detail: nil,
            requestDigest: step.request.map { Identifiers.sha256Hex($0.body) }, responseExcerpt: step.responseExcerpt)
        var completion = DeliveryCompletion(
            deliveryID: claimed.id, leaseOwner: owner, attempt: attempt, newState: .succeeded, cause: "",
            requestBody: step.request.map { Data($0.body) })
        switch step.outcome {
        case .success(let result):
            attempt.outcome = step.request == nil ? "skipped" : "success"
            completion.newState = .succeeded
            completion.result = result
            completion.cause = "attempt \(claimed.attempt) succeeded"
        case .retry(let code, let detail, let after):
            attempt.outcome = "retryable"
            attempt.errorClass = attempt.errorClass ?? code
            attempt.detail = detail
            completion.errorCode = code
            completion.errorDetail = detail
            if policy.allowsAnotherAttempt(after: claimed.attemptInBudget, ageMilliseconds: now - claimed.budgetSince) {
                completion.newState = .retrying
                completion.nextAttemptAt = now + policy.delay(afterAttempt: claimed.attemptInBudget, retryAfter: after)
                completion.cause = "attempt \(claimed.attempt) failed (\(code)); retry scheduled"
            } else {
                completion.newState = .dead
                completion.cause = "attempt \(claimed.attempt) failed (\(code)); retry policy exhausted"
            }
        case .review(let code, let detail):
            attempt.outcome = "review"
            attempt.errorClass = code
            attempt.detail = detail
            completion.newState = .review
            completion.errorCode = code
            completion.errorDetail = detail
            completion.cause = "needs review: \(code)"
        case .needsData(let fields, let detail):
            attempt.outcome = "needs_data"
            attempt.errorClass = "missing-fields"
            attempt.detail = detail
            completion.newState = .needsData
            completion.errorCode = "missing-fields"
            completion.errorDetail = detail
            completion.missingFields = fields
            completion.cause = "needs data: \(fields.joined(separator: ", "))"
        case .permanent(let code, let detail):
            attempt.outcome = "permanent"
            attempt.errorClass = code
            attempt.detail = detail
            completion.newState = .dead
            completion.errorCode = code
            completion.errorDetail = detail
            completion.cause = "permanent failure: \(code)"
        }
        completion.attempt = attempt
        return completion
    }
}
