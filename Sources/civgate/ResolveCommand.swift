import ArgumentParser
import CivgateEngine
import CivgateModel

/// `civgate resolve`: an operator's decision on a delivery under review.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Decide a delivery under review and send it again with that decision.",
        discussion: """
            --confirm-multiple-birth: the Population Database suspected a duplicate because twins (or
            triplets) share every personal detail; confirm they are separate children. The message is sent
            again with the confirmation and the child gets its own PIN.

            Example:
              civgate resolve dlv_01M80… --confirm-multiple-birth \\
                --reason "twins, checked with the commune"
            Exit codes: 0 resolved; 64 bad arguments or not under review; 66 unknown id.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var who: ActorOptions

    @Argument(help: "The delivery id (dlv_…).")
    var id: String

    @Flag(help: "Confirm a multiple birth (twins with identical details are two children).")
    var confirmMultipleBirth = false

    func run() async throws {
        try await runReporting {
            guard confirmMultipleBirth else { throw CommandFailure.usage("say the decision: --confirm-multiple-birth") }
            let outcome = try await store.openStore().resolve(
                id: id, confirmation: Confirmation.multipleBirth, actor: who.resolvedActor, reason: who.reason,
                now: Timestamp.now())
            switch outcome.result {
            case "not-found": throw CommandFailure(description: "no delivery \(id)", exitCode: 66)
            case "skipped":
                throw CommandFailure.usage(
                    "\(id) is \(outcome.from?.rawValue ?? "?"), not under review: nothing to resolve")
            default: Output.line("\(id) resolved: \(outcome.from?.rawValue ?? "") → \(outcome.to?.rawValue ?? "")")
            }
        }
    }
}

/// `civgate discard`: give up on deliveries for good.
struct DiscardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard",
        abstract: "Give up on deliveries for good (never succeeded or in-flight ones); audited.",
        discussion: """
            A discarded delivery is never sent again; later events of the same person that waited for it
            go ahead.

            Example:
              civgate discard dlv_01M80… dlv_01M81… \\
                --reason "registration cancelled by the commune"
            Exit codes: 0 discarded; 64 bad arguments or not confirmed; 66 unknown id.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var who: ActorOptions

    @Argument(help: "Delivery ids (dlv_…).")
    var ids: [String]

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        try await runReporting {
            guard !ids.isEmpty else { throw CommandFailure.usage("name the deliveries to discard") }
            let opened = try store.openStore()
            for id in ids where try await opened.deliveryView(id: id) == nil {
                throw CommandFailure(description: "no delivery \(id)", exitCode: 66)
            }
            try OperatorConfirmation.ask("Discard \(ids.count) deliveries for good?", count: ids.count, yes: yes)
            let outcomes = try await opened.discard(
                ids: ids, actor: who.resolvedActor, reason: who.reason, now: Timestamp.now())
            var refused = 0
            for outcome in outcomes {
                if outcome.result == "discarded" {
                    Output.line("\(outcome.id) discarded (was \(outcome.from?.rawValue ?? "?"))")
                } else {
                    refused += 1
                    Output.error(
                        "\(outcome.id) is \(outcome.from?.rawValue ?? "unknown"): not discarded (\(outcome.detail ?? ""))"
                    )
                }
            }
            if refused > 0 { throw ExitCode(64) }
        }
    }
}

/// `civgate audit list`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log of operator actions.", subcommands: [AuditList.self])
}

struct AuditList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Operator actions, newest first: who, when, what, why.",
        discussion: "Example:\n  civgate audit list --since 24h")

    @OptionGroup var store: StoreOptions

    @Option(help: "At most this many entries.")
    var limit = 100

    @Option(help: "Only since: an ISO date/time or an age (24h).")
    var since: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        try await runReporting {
            let from = try since.map { try FilterOptions.time($0, now: Timestamp.now(), option: "--since") }
            let entries = try await store.openStore().auditLog(limit: limit, since: from)
            if json { return try JSONOutput.print(entries) }
            var table = Table(headers: ["AT", "ACTOR", "ACTION", "TARGET", "REASON"])
            for entry in entries {
                table.rows.append([String(entry.at.prefix(19)), entry.actor, entry.action, entry.target, entry.reason])
            }
            Output.line(entries.isEmpty ? "no operator actions recorded" : table.render())
        }
    }
}
