import Synchronization

/// Counters and gauges in the Prometheus text format (`GET /metrics`). Labels carry destinations,
/// operations, outcomes and codes: never personal data.
public final class Metrics: Sendable {
    /// The process-wide registry.
    public static let shared = Metrics()

    private struct Key: Hashable {
        var name: String
        var labels: [String: String]
    }

    private let counters = Mutex<[Key: Double]>([:])
    private let gauges = Mutex<[Key: Double]>([:])
    private static let help: [String: String] = [
        "civgate_ingest_total": "Records offered at ingest, by outcome.",
        "civgate_delivery_attempts_total": "Delivery attempts, by destination, operation and outcome.",
        "civgate_delivery_seconds_total": "Time spent in delivery attempts, by destination.",
        "civgate_breaker_state": "Circuit breaker per destination: 0 closed, 1 half-open, 2 open.",
        "civgate_breaker_rejections_total": "Attempts not made because the breaker was open.",
    ]

    public init() {}

    public func increment(_ name: String, by value: Double = 1, _ labels: [String: String] = [:]) {
        counters.withLock { $0[Key(name: name, labels: labels), default: 0] += value }
    }

    public func set(_ name: String, _ value: Double, _ labels: [String: String] = [:]) {
        gauges.withLock { $0[Key(name: name, labels: labels)] = value }
    }

    /// The current value of a counter (for tests and status).
    public func counter(_ name: String, _ labels: [String: String] = [:]) -> Double {
        counters.withLock { $0[Key(name: name, labels: labels)] ?? 0 }
    }

    /// Everything, in the Prometheus text exposition format.
    public func exposition() -> String {
        var lines: [String] = []
        for (kind, values) in [("counter", counters.withLock { $0 }), ("gauge", gauges.withLock { $0 })] {
            let byName = Dictionary(grouping: values, by: { $0.key.name })
            for name in byName.keys.sorted() {
                lines.append("# HELP \(name) \(Self.help[name] ?? name)")
                lines.append("# TYPE \(name) \(kind)")
                for (key, value) in byName[name]!.sorted(by: { $0.key.labels.description < $1.key.labels.description })
                {
                    let labels = key.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(
                        separator: ",")
                    lines.append("\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(value)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
