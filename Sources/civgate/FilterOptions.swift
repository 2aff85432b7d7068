import ArgumentParser
import CivgateEngine
import Foundation

/// Filters shared by `deliveries list`, `replay` and `discard`.
struct FilterOptions: ParsableArguments {
    @Option(
        name: .customLong("state"),
        help:
            "State(s): pending, in_flight, succeeded, retrying, waiting, review, needs_data, dead, discarded (comma-separated or repeated)."
    )
    var states: [String] = []

    @Option(name: .customLong("destination"), help: "Destination name(s), e.g. population.")
    var destinations: [String] = []

    @Option(name: .customLong("event"), help: "Event type(s), e.g. birth.")
    var events: [String] = []

    @Option(name: .customLong("authority"), help: "Registering commune code(s).")
    var authorities: [String] = []

    @Option(name: .customLong("error"), help: "Last error code(s), e.g. connect-error, http-503, suspected-duplicate.")
    var errors: [String] = []

    @Option(name: .customLong("record"), help: "Record id(s) (rec_…).")
    var records: [String] = []

    @Option(name: .customLong("lane"), help: "Lane: live or backfill.")
    var lanes: [String] = []

    @Option(help: "Changed at or after: an ISO date/time (2026-11-22, 2026-11-22T03:00:00Z) or an age (30m, 2h, 7d).")
    var since: String?

    @Option(help: "Changed before: same forms as --since.")
    var until: String?

    /// Whether any filter was given (bulk commands refuse to act on everything by accident).
    var isEmpty: Bool {
        states.isEmpty && destinations.isEmpty && events.isEmpty && authorities.isEmpty && errors.isEmpty
            && records.isEmpty && lanes.isEmpty && since == nil && until == nil
    }

    func filter(now: Int64 = Timestamp.now()) throws -> DeliveryFilter {
        var filter = DeliveryFilter()
        filter.states = try split(states).map { name in
            guard let state = DeliveryState(rawValue: name) else {
                throw CommandFailure.usage(
                    "--state \(name): not a state; use one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return state
        }
        filter.lanes = try split(lanes).map { name in
            guard let lane = Lane(rawValue: name) else {
                throw CommandFailure.usage("--lane \(name): use live or backfill")
            }
            return lane
        }
        filter.destinations = split(destinations)
        filter.events = split(events)
        filter.authorities = split(authorities)
        filter.errorCodes = split(errors)
        filter.recordIDs = split(records)
        filter.since = try since.map { try Self.time($0, now: now, option: "--since") }
        filter.until = try until.map { try Self.time($0, now: now, option: "--until") }
        return filter
    }

    private func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter {
            !$0.isEmpty
        }
    }

    /// Milliseconds since the epoch for an ISO date/time or an age before `now`.
    static func time(_ text: String, now: Int64, option: String) throws -> Int64 {
        if let age = ConfigDuration(parsing: text) { return now - age.milliseconds }
        let full = Date.ISO8601FormatStyle()
        if let date = try? full.parse(text) { return Int64(date.timeIntervalSince1970 * 1000) }
        if let date = try? Date.ISO8601FormatStyle().year().month().day().parse(text) {
            return Int64(date.timeIntervalSince1970 * 1000)
        }
        throw CommandFailure.usage(
            "\(option) \(text): use an ISO date (2026-11-22), date-time (2026-11-22T03:00:00Z) or an age (30m, 2h, 7d)")
    }
}
