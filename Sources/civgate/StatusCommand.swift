import ArgumentParser
import CivgateEngine

/// `civgate status`: the state of every destination and lane at a glance.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Counts by state per destination and lane, the oldest waiting delivery, recent outcomes, breakers.",
        discussion: """
            Examples:
              civgate status
              civgate status --json | jq '.lanes[] | select(.counts.dead > 0)'
            """)

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Option(help: "Minutes of recent attempts to count.")
    var window = 15

    func run() async throws {
        try await runReporting {
            let report = try await store.openStore().status(now: Timestamp.now(), windowMinutes: window)
            if json { return try JSONOutput.print(report) }
            var table = Table(headers: [
                "DESTINATION", "LANE", "PENDING", "IN-FLIGHT", "RETRYING", "WAITING", "REVIEW", "NEEDS-DATA", "DEAD",
                "SUCCEEDED", "OLDEST-WAITING", "LAST-\(window)M OK/FAIL", "BREAKER",
            ])
            for lane in report.lanes {
                let count = { (state: DeliveryState) in String(lane.counts[state.rawValue] ?? 0) }
                table.rows.append([
                    lane.destination, lane.lane, count(.pending), count(.inFlight), count(.retrying), count(.waiting),
                    count(.review), count(.needsData), count(.dead), count(.succeeded),
                    lane.oldestWaitingSeconds.map(Self.age) ?? "-", "\(lane.recentSucceeded)/\(lane.recentFailed)",
                    lane.breaker,
                ])
            }
            Output.line(report.lanes.isEmpty ? "no deliveries yet" : table.render())
        }
    }

    static func age(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: "\(seconds)s"
        case ..<7200: "\(seconds / 60)m"
        case ..<172_800: "\(seconds / 3600)h"
        default: "\(seconds / 86400)d"
        }
    }
}
