import ArgumentParser
import CivgateEngine
import CivgateModel
import Foundation

/// `civgate deliveries list|show`.
struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "Find and inspect deliveries.",
        subcommands: [ListDeliveries.self, ShowDelivery.self])
}

/// `civgate deliveries list`.
struct ListDeliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List deliveries matching filters, in registration order (no personal data).",
        discussion: """
            Examples:
              civgate deliveries list --state dead --destination population
              civgate deliveries list --error http-503 --since 2h --json
              civgate deliveries list --state dead --limit 100 --after 'CURSOR'   (the next page)
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: FilterOptions

    @Option(help: "Rows per page.")
    var limit = 50

    @Option(help: "Start after this cursor (printed at the end of the previous page).")
    var after: String?

    @Flag(help: "Print JSON for scripts (with a cursor per row).")
    var json = false

    func run() async throws {
        try await runReporting {
            guard (1...10_000).contains(limit) else { throw CommandFailure.usage("--limit must be 1 to 10000") }
            let opened = try store.openStore()
            var filter = try filters.filter()
            filter.limit = limit
            filter.after = after
            let rows = try await opened.listDeliveries(filter)
            if json { return try JSONOutput.print(rows) }
            let total = try await opened.countDeliveries(
                {
                    var all = filter; all.after = nil; return all
                }())
            var table = Table(headers: [
                "DELIVERY", "RECORD", "EVENT", "AUTHORITY", "DESTINATION/OPERATION", "STATE", "TRIES", "ERROR",
                "CHANGED",
            ])
            for row in rows {
                table.rows.append([
                    row.id, "\(row.sourceRecordId) v\(row.sourceVersion)", row.event, row.authority,
                    "\(row.destination)/\(row.operation)", row.state.rawValue, String(row.attempts),
                    row.lastErrorCode ?? "-",
                    String(row.updatedAt.prefix(19)),
                ])
            }
            Output.line(rows.isEmpty ? "no deliveries match" : table.render())
            if rows.count == limit, let last = rows.last {
                Output.line("\(rows.count) of \(total) shown; next page: --after '\(last.cursor)'")
            } else {
                Output.line("\(rows.count) of \(total)")
            }
        }
    }
}

/// `civgate deliveries show ID`.
struct ShowDelivery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One delivery: the record in short, its route steps, every attempt, the last message sent.",
        discussion: """
            Personal data is masked. --reveal prints it in full and is recorded in the audit log with
            --reason and --actor.

            Examples:
              civgate deliveries show dlv_01M80THTZ4DD47DD7XATSZHWZX
              civgate deliveries show dlv_01M80… --reveal --reason "ticket 4711"
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The delivery id (dlv_…).")
    var id: String

    @Flag(help: "Print personal data unmasked (audited; needs --reason).")
    var reveal = false

    @Option(help: "Why the personal data is revealed (with --reveal).")
    var reason: String?

    @Option(help: "Who reveals it (default: $CIVGATE_ACTOR, else $USER).")
    var actor: String?

    @Flag(help: "Print JSON for scripts (the delivery view; personal data is not part of it unless --reveal).")
    var json = false

    func run() async throws {
        try await runReporting {
            if reveal, (reason ?? "").count < 3 {
                throw CommandFailure.usage("--reveal needs --reason (recorded in the audit log)")
            }
            let opened = try store.openStore()
            guard let view = try await opened.deliveryView(id: id),
                let record = try await opened.recordView(id: view.recordId),
                let material = try await opened.deliveryMaterial(id: id)
            else { throw CommandFailure(description: "no delivery \(id)", exitCode: 66) }
            if reveal {
                let who =
                    actor ?? ProcessInfo.processInfo.environment["CIVGATE_ACTOR"] ?? ProcessInfo.processInfo
                    .environment["USER"] ?? "operator"
                try await opened.audit(
                    actor: who, action: "reveal", target: id, reason: reason!, details: [:], now: Timestamp.now())
            }
            if json { return try JSONOutput.print(reveal ? view : Self.masked(view)) }
            Output.line(DeliveryReport(view: view, record: record, material: material, reveal: reveal).render())
        }
    }
}

extension ShowDelivery {
    /// The view with results (PINs, card codes) and reply excerpts masked.
    static func masked(_ view: DeliveryView) -> DeliveryView {
        var masked = view
        masked.result = view.result.map { result in
            result.mapValues { $0 }.reduce(into: [:]) { output, entry in
                output[entry.key] = DeliveryReport.personal.contains(entry.key) ? Masking.pin(entry.value) : entry.value
            }
        }
        masked.attemptLog = view.attemptLog.map { attempt in
            var attempt = attempt
            attempt.responseExcerpt = attempt.responseExcerpt.map { Masking.pin(in: Masking.message($0)) }
            return attempt
        }
        return masked
    }
}

/// The text `deliveries show` prints.
struct DeliveryReport {
    var view: DeliveryView
    var record: RecordView
    var material: (record: Data, lastRequest: Data?)
    var reveal: Bool

    func render() -> String {
        var lines: [String] = []
        lines.append(
            "delivery   \(view.id)  \(view.destination)/\(view.operation)  \(view.state.rawValue.uppercased())")
        lines.append(
            "record     \(record.id)  \(record.source.system) \(record.source.recordId) v\(record.source.version)  \(record.event)  lane \(record.lane.rawValue)"
        )
        if let parsed = try? JSONDecoder().decode(CivilRecord.self, from: material.record) {
            let authority = parsed.registration.authority
            lines.append(
                "registered \(parsed.registration.date ?? "date unknown") at \(authority.code) (\(authority.codeSystem)) book \(parsed.registration.book ?? "-") no. \(parsed.registration.number ?? "-")"
            )
            for subject in parsed.subjects {
                let name = subject.name.map { reveal ? $0.full : Masking.name($0.full) } ?? "-"
                let pin = subject.pin.map { reveal ? $0 : Masking.pin($0) } ?? "no PIN"
                let born =
                    subject.birthDate.map { date in
                        date.isoValue.map { reveal ? $0 : Masking.date($0) } ?? "age \(date.precision)"
                    } ?? "-"
                lines.append(
                    "  \(subject.role.padding(toLength: 9, withPad: " ", startingAt: 0)) \(name)  \(pin)  born \(born)  \(subject.sex?.rawValue ?? "")"
                )
            }
        }
        for warning in record.warnings {
            lines.append("  warning \(warning.code) at \(warning.path): \(warning.detail)")
        }
        lines.append("")
        lines.append("route steps")
        for step in record.deliveries {
            let result =
                step.result.map { result in
                    result.map { "\($0)=\(reveal || !Self.personal.contains($0) ? $1 : Masking.pin($1))" }.sorted()
                        .joined(separator: " ")
                } ?? ""
            lines.append(
                "  \(step.id == view.id ? "▶" : " ") \(step.destination)/\(step.operation)  \(step.state.rawValue)  \(result)"
            )
        }
        lines.append("")
        lines.append("outbound key  \(view.outboundKey)")
        if let missing = view.missingFields, !missing.isEmpty {
            lines.append("missing       \(missing.joined(separator: ", "))")
        }
        if let error = view.lastError { lines.append("last error    \(error.code): \(error.detail) (\(error.at))") }
        lines.append("")
        lines.append("attempts")
        var attempts = Table(headers: ["#", "STARTED", "MS", "HTTP", "OUTCOME", "ERROR", "DETAIL"])
        for attempt in view.attemptLog {
            attempts.rows.append([
                String(attempt.number), String(attempt.startedAt.prefix(23)), String(attempt.durationMs),
                attempt.httpStatus.map(String.init) ?? "-", attempt.outcome, attempt.errorClass ?? "-",
                attempt.detail ?? "",
            ])
        }
        lines.append(
            view.attemptLog.isEmpty
                ? "  none yet" : attempts.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        lines.append("")
        lines.append("transitions")
        for transition in view.transitions {
            lines.append(
                "  \(transition.at.prefix(23))  \(transition.from ?? "-") → \(transition.to)  \(transition.cause)")
        }
        if let request = material.lastRequest {
            let text = String(decoding: request, as: UTF8.self)
            lines.append("")
            lines.append("last message sent\(reveal ? "" : " (personal data masked; --reveal to show)")")
            lines.append(reveal ? text : Masking.message(text))
        }
        return lines.joined(separator: "\n")
    }

    static let personal: Set<String> = ["pin", "insuranceCode", "cardCode"]
}
