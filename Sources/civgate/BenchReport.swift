import Foundation

/// One figure of the bench: its value beside the baseline measured in the same run, and the target.
struct BenchRow: Codable, Sendable {
    var phase: String
    var figure: String
    var value: Double
    var unit: String
    /// The baseline's name and value, when the figure has one.
    var baselineName: String?
    var baseline: Double?
    /// `value / baseline`.
    var ratio: Double?
    /// e.g. `≥ 8000`, `≤ 25`.
    var target: String?
    var pass: Bool?
    var note: String?

    /// A row with a target `value ≥ minimum` or `value ≤ maximum`.
    static func make(
        _ phase: String, _ figure: String, _ value: Double, _ unit: String, baseline: (String, Double)? = nil,
        atLeast minimum: Double? = nil, atMost maximum: Double? = nil, note: String? = nil
    ) -> BenchRow {
        var row = BenchRow(phase: phase, figure: figure, value: value, unit: unit, note: note)
        if let (name, base) = baseline, base > 0 {
            row.baselineName = name
            row.baseline = base
            row.ratio = value / base
        }
        if let minimum {
            row.target = "≥ \(BenchReport.format(minimum))"
            row.pass = value >= minimum
        } else if let maximum {
            row.target = "≤ \(BenchReport.format(maximum))"
            row.pass = value <= maximum
        }
        return row
    }
}

/// Everything a bench run measured, with what it ran on and how it was configured.
struct BenchReport: Codable, Sendable {
    var command: String
    var machine: BenchMachine
    var configuration: [String: String]
    var rows: [BenchRow] = []
    var notes: [String] = []

    /// The table printed at the end (and by each phase as it finishes).
    func table() -> String {
        var table = Table(headers: ["PHASE", "FIGURE", "VALUE", "BASELINE", "RATIO", "TARGET", "RESULT"])
        for row in rows { table.rows.append(Self.cells(row)) }
        return table.render()
    }

    static func cells(_ row: BenchRow) -> [String] {
        [
            row.phase, row.figure, "\(format(row.value)) \(row.unit)",
            row.baseline.map { "\(format($0)) (\(row.baselineName ?? ""))" } ?? "-",
            row.ratio.map { String(format: "%.2f", $0) } ?? "-", row.target ?? "-",
            row.pass.map { $0 ? "pass" : "MISS" + miss(row) } ?? "-",
        ]
    }

    /// By how much a row misses its target, e.g. ` (-23%)`.
    static func miss(_ row: BenchRow) -> String {
        guard let target = row.target, let bound = Double(target.dropFirst(2).replacingOccurrences(of: ",", with: "")),
            bound > 0
        else { return "" }
        return String(format: " (%+.0f%%)", (row.value - bound) / bound * 100)
    }

    static func format(_ value: Double) -> String {
        if value >= 100 { return String(Int(value.rounded())) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }
}
