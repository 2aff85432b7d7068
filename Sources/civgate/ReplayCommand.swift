import ArgumentParser
import CivgateEngine
import CivgateModel
import Foundation

/// `civgate replay`: puts failed deliveries back, safely and in order.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Put dead, review and needs_data deliveries back in the queue.",
        discussion: """
            Only the deliveries selected are replayed: steps of the same record that succeeded are never
            sent again, and their stored results (e.g. the PIN) are reused. Deliveries go in registration
            order, in batches, under a rate limit. Interrupt with Ctrl-C at any time: rerun the same command
            to resume (what was replayed no longer matches; each run visits a delivery at most once).

            Outbound idempotency keys:
              (default)  the same key as before: the destination treats the replay as a retry of the same
                         operation and returns the first result if it had applied it (no duplicate effect).
              --new-key  a new key: the destination treats it as a new operation. Use it only when the
                         first operation must not be finished (e.g. the destination rejected the old
                         message for good and the record was corrected); it can create a second effect.

            Examples:
              civgate replay dlv_01M80THTZ4DD47 --reason "C06 back"
              civgate replay --state dead --destination population \\
                --dry-run --reason "outage 22/11"
              civgate replay --error http-503 --since 6h --rate 50 --yes \\
                --reason "outage 22/11"
            Exit codes: 0 done; 64 bad arguments or nothing confirmed; 66 unknown id; 130 interrupted.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var who: ActorOptions

    @Argument(help: "Delivery ids (dlv_…); or use filters.")
    var ids: [String] = []

    @Flag(help: "Say what would be replayed and show the message for one of them; change nothing.")
    var dryRun = false

    @Flag(help: "Use a new outbound idempotency key (a new operation at the destination); see above.")
    var newKey = false

    @Option(help: "Deliveries per batch.")
    var batchSize = 100

    @Option(help: "At most this many deliveries per second.")
    var rate: Double = 200

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        try await runReporting {
            guard ids.isEmpty || filters.isEmpty else {
                throw CommandFailure.usage("give delivery ids or filters, not both")
            }
            guard !(ids.isEmpty && filters.isEmpty) else {
                throw CommandFailure.usage(
                    "say what to replay: delivery ids, or filters such as --state dead --destination population")
            }
            guard batchSize > 0, rate > 0 else {
                throw CommandFailure.usage("--batch-size and --rate must be positive")
            }
            let opened = try store.openStore()
            var filter = try filters.filter()
            filter.ids = ids
            let replayable = DeliveryState.replayable
            if let wrong = filter.states.first(where: { !replayable.contains($0) }) {
                throw CommandFailure.usage(
                    "--state \(wrong.rawValue): only dead, review and needs_data deliveries can be replayed")
            }
            if filter.states.isEmpty { filter.states = replayable }
            let total = try await opened.countDeliveries(filter)
            if !ids.isEmpty {
                for id in ids where try await opened.deliveryView(id: id) == nil {
                    throw CommandFailure(description: "no delivery \(id)", exitCode: 66)
                }
            }
            if total == 0 {
                Output.line("nothing to replay: no dead, review or needs_data delivery matches")
                return
            }
            if dryRun { return try await preview(opened, filter: filter, total: total) }
            try OperatorConfirmation.ask(
                "Replay \(total) deliver\(total == 1 ? "y" : "ies")\(newKey ? " with NEW outbound keys" : "")?",
                count: total,
                yes: yes, alternatives: "(or --dry-run to look first)")
            try await replayAll(opened, filter: filter, total: total)
        }
    }

    private func preview(_ opened: SQLiteStore, filter: DeliveryFilter, total: Int) async throws {
        var first = filter
        first.limit = 20
        let rows = try await opened.listDeliveries(first)
        Output.line(
            "would replay \(total) deliver\(total == 1 ? "y" : "ies") in registration order\(newKey ? " with new outbound keys" : " with their outbound keys")"
        )
        for row in rows {
            Output.line(
                "  \(row.id)  \(row.sourceRecordId) v\(row.sourceVersion)  \(row.destination)/\(row.operation)  \(row.state.rawValue)  \(row.lastErrorCode ?? "-")"
            )
        }
        if total > rows.count { Output.line("  … and \(total - rows.count) more") }
        guard let sample = rows.first, let view = try await opened.deliveryView(id: sample.id),
            let record = try await opened.recordView(id: view.recordId),
            let material = try await opened.deliveryMaterial(id: sample.id)
        else { return }
        Output.line("")
        Output.line("message for \(sample.id) (personal data masked):")
        Output.line(MessagePreview.render(view: view, record: record, document: material.record))
    }

    private func replayAll(_ opened: SQLiteStore, filter: DeliveryFilter, total: Int) async throws {
        let interrupt = InterruptFlag()
        var page = filter
        page.limit = batchSize
        var done = 0
        var skipped = 0
        let progress = ProgressBar(total: total, label: "replayed")
        let started = ContinuousClock.now
        while true {
            if interrupt.isSet {
                progress.finish()
                Output.error("interrupted after \(done) of \(total); run the same command again to resume")
                throw ExitCode(130)
            }
            let rows = try await opened.listDeliveries(page)
            guard let last = rows.last else { break }
            page.after = last.cursor
            let outcomes = try await opened.replay(
                ids: rows.map(\.id), newKey: newKey, actor: who.resolvedActor, reason: who.reason, now: Timestamp.now())
            done += outcomes.filter { $0.result == "replayed" }.count
            skipped += outcomes.filter { $0.result != "replayed" }.count
            progress.update(done + skipped)
            // Rate limit: never faster than --rate deliveries per second on average.
            let due = started + .milliseconds(Int64(Double(done + skipped) / rate * 1000))
            if ContinuousClock.now < due { try await Task.sleep(until: due) }
        }
        progress.finish()
        Output.line(
            "replayed \(done) deliver\(done == 1 ? "y" : "ies")\(skipped > 0 ? "; \(skipped) skipped (changed state meanwhile)" : ""); a running server sends them within a second"
        )
    }
}

/// The message a delivery would send now, made by its adapter from the stored record.
enum MessagePreview {
    static func render(view: DeliveryView, record: RecordView, document: Data) -> String {
        guard let adapter = Catalog.adapters().first(where: { $0.destination == view.destination }),
            let parsed = try? JSONDecoder().decode(CivilRecord.self, from: document)
        else { return "  (no adapter for \(view.destination) in this build)" }
        var upstream: [String: [String: String]] = [:]
        for step in record.deliveries where step.state == .succeeded { upstream[step.operation] = step.result ?? [:] }
        let job = DeliveryJob(
            deliveryID: view.id, record: parsed, operation: view.operation, outboundKey: view.outboundKey,
            attempt: view.attempts + 1, upstreamResults: upstream)
        switch adapter.prepare(job) {
        case .send(let request): return Masking.message(String(decoding: request.body, as: UTF8.self))
        case .needsData(let fields, let detail):
            return "  still cannot be mapped: missing \(fields.joined(separator: ", ")) (\(detail))"
        case .unmappable(let code, let detail): return "  cannot be mapped: \(code): \(detail)"
        case .skip(let reason): return "  nothing to send: \(reason)"
        }
    }
}
