import Foundation

extension BenchRun {
    /// What the phases of a run measured; `nil` for a phase left out with `--only`.
    struct PhaseResults {
        var storage: BenchStorageBaseline.Result?
        var http: HTTPPhase?
        var single: IngestPhase?
        var batch: BatchPhase?
        var backlog: DeliveryPhase?
        var endToEnd: DeliveryPhase?
        var idle: LatencyPhase?
        var busy: LatencyPhase?
        var memory: (rss: Double, peak: Double)?
        var sampledPeak = 0.0
    }

    /// The table, baselines first.
    func addRows(_ results: PhaseResults) {
        let clients = options.clients
        let count = options.records
        let storage = results.storage.map { ("storage", $0.rate) }
        let storageP50 = results.storage.map { ("storage p50", BenchStats.percentile($0.latencies, 50)) }
        let storageP99 = results.storage.map { ("storage p99", BenchStats.percentile($0.latencies, 99)) }
        let httpBoth = results.http.map { ("HTTP both", $0.both.result.rate) }
        let cores = { (value: Double) in String(format: "%.2f", value) }
        if let result = results.storage {
            add(
                .make(
                    "1 baseline", "storage: durable ingest writes/s (\(clients) tasks)", result.rate, "/s",
                    note: "\(result.writes) writes; \(Int(result.cpuMicrosPerWrite)) µs CPU per write"))
            add(.make("1 baseline", "storage: write p50", BenchStats.percentile(result.latencies, 50), "ms"))
            add(.make("1 baseline", "storage: write p99", BenchStats.percentile(result.latencies, 99), "ms"))
            add(
                .make(
                    "1 profile", "intake (parse+normalise+validate), 1 task", result.intakeMicros, "µs/record",
                    note: "= \(Int(1e6 / max(1, result.intakeMicros))) records/s per core"))
        }
        if let http = results.http {
            add(
                .make(
                    "2 baseline", "HTTP: population mock, \(clients) clients", http.population.result.rate, "req/s",
                    note: http.population.summary))
            add(
                .make(
                    "2 baseline", "HTTP: insurance mock, \(clients) clients", http.insurance.result.rate, "req/s",
                    note: http.insurance.summary))
            add(
                .make(
                    "2 baseline", "HTTP: both mocks at once, \(clients / 2)+\(clients / 2) clients",
                    http.both.result.rate,
                    "req/s",
                    note: http.both.summary))
        }
        if let single = results.single {
            add(
                .make(
                    "3 single", "ingest rate, \(clients) clients", single.result.rate, "/s", baseline: storage,
                    atLeast: 8000,
                    note:
                        "\(single.result.statusSummary); CPU \(cores(single.cores)) cores, \(Int(single.cpuMicros)) µs/record"
                ))
            add(
                .make(
                    "3 single", "ingest p50", BenchStats.percentile(single.result.latencies, 50), "ms",
                    baseline: storageP50))
            add(
                .make(
                    "3 single", "ingest p99", BenchStats.percentile(single.result.latencies, 99), "ms",
                    baseline: storageP99,
                    atMost: 25))
        }
        if let batch = results.batch {
            add(
                .make(
                    "4 batch", "batch ingest rate (\(options.batchStreams)×\(options.batchChunk)-line requests)",
                    batch.rate,
                    "records/s", baseline: storage, atLeast: 20000,
                    note:
                        "\(batch.accepted) accepted, \(batch.other) other; CPU \(cores(batch.cores)) cores, \(Int(batch.cpuMicros)) µs/record"
                ))
        }
        if let backlog = results.backlog, backlog.deliveries > 0 {
            add(
                .make(
                    "5 delivery", "backlog delivery rate (\(backlog.deliveries) deliveries, both lanes)", backlog.rate,
                    "/s",
                    baseline: httpBoth,
                    note:
                        "\(backlog.attention) need attention, \(backlog.waiting) waiting; CPU \(cores(backlog.cores)) cores"
                ))
        }
        if let endToEnd = results.endToEnd {
            add(
                .make(
                    "5 delivery", "end-to-end delivery rate (ingest → all succeeded)", endToEnd.rate, "/s",
                    baseline: httpBoth, atLeast: 3000,
                    note:
                        "\(endToEnd.deliveries) deliveries of \(count) records in \(String(format: "%.1f", endToEnd.seconds)) s; ingest alongside \(Int(endToEnd.ingestRate))/s; \(endToEnd.attention) need attention; CPU \(cores(endToEnd.cores)) cores"
                ))
        }
        if let idle = results.idle, let busy = results.busy {
            let idleP99 = BenchStats.percentile(idle.latencies, 99)
            add(.make("6 latency", "live delivery p50, idle", BenchStats.percentile(idle.latencies, 50), "ms"))
            add(
                .make(
                    "6 latency", "live delivery p99, idle", idleP99, "ms",
                    note:
                        "\(idle.latencies.count) deliveries at \(Int(options.liveRate)) records/s; ingest p99 \(BenchReport.format(BenchStats.percentile(idle.ingest, 99))) ms"
                ))
            add(
                .make(
                    "6 latency", "live delivery p50, during backfill", BenchStats.percentile(busy.latencies, 50), "ms"))
            add(
                .make(
                    "6 latency", "live delivery p99, during backfill", BenchStats.percentile(busy.latencies, 99), "ms",
                    baseline: ("idle p99", idleP99), atMost: 2 * max(idleP99, 1),
                    note:
                        "\(busy.latencies.count) deliveries; backfill of \(count) records (ingest \(Int(busy.backfillIngestRate))/s, \(busy.backfillActiveAtEnd) backfill deliveries still active when the live traffic ended); ingest p99 \(BenchReport.format(BenchStats.percentile(busy.ingest, 99))) ms"
                ))
        }
        if let memory = results.memory {
            add(
                .make(
                    "7 memory", "peak RSS (VmHWM), gateway phases", memory.peak, "MiB", atMost: Self.memoryTargetMiB,
                    note:
                        "one process: gateway + both mocks + load generator; VmRSS sampled peak \(Int(results.sampledPeak)) MiB"
                ))
        }
    }
}
