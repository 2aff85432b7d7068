import ArgumentParser
import Foundation

/// `civgate bench`: the throughput and latency of civgate on this machine, beside baselines measured in
/// the same run (the store's own write rate, the mocks' own request rate).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest, delivery, latency and memory against same-run baselines (loopback, in-process).",
        discussion: """
            Starts civgate and both mock national systems in this process on 127.0.0.1 (ports picked by \
            the system, a temporary store unless --data-dir), generates records with gen_records.py and \
            measures, in order:
              single-record ingest at --clients concurrent clients (rate, p50, p99; no delivery running)
              batch ingest through POST /v1/records:batch (the civgate backfill client, --batch-streams chunks of --batch-chunk lines)
              the delivery of that backlog, then end-to-end: ingest at --clients clients until every delivery succeeded
              live delivery latency (202 → succeeded) at --live-rate records/s, idle, then while a backfill runs
              peak RSS (VmHWM; VmRSS sampled every 200 ms)
            and the baselines: the mocks' own request rate at the same concurrency (HTTP limit) and the same \
            rows written straight through the store with group commit (storage limit). Each figure is \
            printed with its baseline, the ratio, the target of issue 6 and pass/MISS.

            --million instead ingests 1,000,000 generated records (mix all) through the batch endpoint and \
            times until every delivery to both mocks is done (target ≤ 10 minutes).

            Build with -c release first: numbers from a debug build mean little. Nothing else should run \
            on the machine meanwhile. Not part of swift test.

            Examples:
              swift build -c release && .build/release/civgate bench
              .build/release/civgate bench --records 50000 --json > bench.json
              .build/release/civgate bench --million
            """)

    @Option(help: "Records per phase.")
    var records = 20_000

    @Option(help: "Concurrent clients for single-record ingest and the HTTP baseline.")
    var clients = 64

    @Flag(help: "Ingest and deliver 1,000,000 records instead of the phases above.")
    var million = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(
        name: .customLong("data-dir"),
        help: "Keep the store (and generated records) here instead of a temporary directory.")
    var dataDir: String?

    @Option(help: "Base configuration (routes, destination settings); ports, store and workers are set by the bench.")
    var config = "config/civgate.yaml"

    @Option(help: "The record generator.")
    var generator = "../shared/tools/gen_records.py"

    @Option(
        name: .customLong("records-file"),
        help: "Take records from this NDJSON file (slices per phase) instead of generating them.")
    var recordsFile: String?

    @Option(
        name: .customLong("load-threads"),
        help: "Event loop threads of the closed-loop load generator (0: share the gateway's event loops).")
    var loadThreads = 1

    @Option(help: "Live delivery workers per destination.")
    var workers = 32

    @Option(
        name: .customLong("backfill-workers"),
        help: "Backfill delivery workers per destination (with --million: --workers).")
    var backfillWorkers = 8

    @Option(name: .customLong("batch-chunk"), help: "Lines per batch request.")
    var batchChunk = 5000

    @Option(name: .customLong("batch-streams"), help: "Batch requests in flight at once.")
    var batchStreams = 4

    @Option(name: .customLong("live-rate"), help: "Live records per second during the latency phases.")
    var liveRate = 100.0

    @Option(name: .customLong("live-seconds"), help: "Seconds of live traffic in each latency phase.")
    var liveSeconds = 15.0

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Run only these phases (for profiling): storage, http, single, batch, delivery, latency.",
            valueName: "phase"))
    var only: [String] = []

    /// Whether `phase` runs.
    func wants(_ phase: String) -> Bool { only.isEmpty || only.contains(phase) }

    func validate() throws {
        let phases: Set = ["storage", "http", "single", "batch", "delivery", "latency"]
        if let unknown = only.first(where: { !phases.contains($0) }) {
            throw ValidationError("--only \(unknown): phases are \(phases.sorted().joined(separator: ", "))")
        }
        guard records >= 100 else { throw ValidationError("--records must be at least 100") }
        guard (1...1024).contains(clients) else { throw ValidationError("--clients must be between 1 and 1024") }
        guard workers > 0, backfillWorkers > 0, batchChunk > 0, batchStreams > 0, liveRate > 0, liveSeconds > 0 else {
            throw ValidationError(
                "--workers, --backfill-workers, --batch-chunk, --batch-streams, --live-rate and --live-seconds must be positive"
            )
        }
    }

    func run() async throws {
        try await runReporting {
            let run = try BenchRun(options: self)
            defer { run.cleanUp() }
            if million {
                try await run.runMillion()
            } else {
                try await run.runPhases()
            }
            run.finish()
        }
    }
}
