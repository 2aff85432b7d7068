import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation
import NIOCore

extension BenchRun {
    /// The standard run: ingest, delivery, latency and memory, then the two baselines.
    func runPhases() async throws {
        let count = options.records
        let liveCount = Int(options.liveRate * options.liveSeconds)
        log("generating records (not timed): \(count) per phase")
        let singleFile = try dataset.make("single-live", count: count, mix: "live")
        let batchFile = try dataset.make("batch-historical", count: count, mix: "historical")
        let endToEndFile = try dataset.make("e2e-live", count: count, mix: "live")
        let idleFile = try dataset.make("latency-idle-live", count: liveCount, mix: "live")
        let busyFile = try dataset.make("latency-busy-live", count: liveCount, mix: "live")
        let backfillFile = try dataset.make("latency-backfill-historical", count: count, mix: "historical")
        let httpFile = try dataset.make("http-baseline-live", count: count, mix: "live")
        try checkInterrupt()

        let configuration = try gatewayConfiguration(backfillWorkers: options.backfillWorkers)
        sampler.enter("gateway")
        let gateway = try await BenchGateway(configuration: configuration)
        let gatewayURL = await gateway.url("gateway")
        let mocks = [await gateway.url("population"), await gateway.url("insurance")]
        log("civgate on \(gatewayURL), mocks on \(mocks.joined(separator: ", ")); dispatcher not started yet")

        // 3. Single-record ingest, nothing delivering.
        let single = try await singleIngest(file: singleFile, gateway: gatewayURL, keyPrefix: "bench-single")
        try checkInterrupt()
        // 4. Batch ingest.
        let batch = try await batchIngest(file: batchFile, gateway: gatewayURL, streams: options.batchStreams)
        try checkInterrupt()

        // 5. Deliveries: the backlog of 3 and 4, then end-to-end.
        await gateway.startDispatcher()
        let janitor = BenchMockJanitor(client: client, mocks: mocks)
        defer { janitor.stop() }
        let backlog = try await drain(gateway, label: "backlog")
        try checkInterrupt()
        let endToEnd = try await endToEnd(gateway, file: endToEndFile)
        try checkInterrupt()

        // 6. Live latency, idle then during a backfill.
        let idle = try await liveLatency(gateway, file: idleFile, keyPrefix: "bench-idle", backfill: nil)
        try checkInterrupt()
        let busy = try await liveLatency(gateway, file: busyFile, keyPrefix: "bench-busy", backfill: backfillFile)
        try checkInterrupt()

        // 7. Memory of the gateway phases (before the baselines allocate their own data).
        let memory = BenchResources.memory()
        let sampledPeak = sampler.peak("gateway")

        // 2. HTTP baseline (dispatcher stopped, mocks emptied).
        await gateway.stopDispatcher()
        janitor.stop()
        for base in mocks { await BenchMockJanitor.reset(client: client, base: base) }
        sampler.enter("baselines")
        let http = try await httpBaseline(file: httpFile, population: mocks[0], insurance: mocks[1])
        await gateway.stop()
        try checkInterrupt()

        // 1. Storage baseline, on a store of its own.
        log("storage baseline: the same rows as the single-record phase, straight through SQLiteStore.ingest")
        let storage = try await BenchStorageBaseline.run(
            lines: try BenchDataset.lines(of: singleFile), directory: (directory as NSString).appendingPathComponent("storage-baseline"),
            configuration: configuration, concurrency: options.clients)

        // The table, baselines first.
        let storageRate = storage.rate
        add(.make("1 baseline", "storage: durable ingest writes/s (\(options.clients) tasks)", storageRate, "/s",
            note: "\(storage.writes) writes; \(Int(storage.cpuMicrosPerWrite)) µs CPU per write"))
        add(.make("1 baseline", "storage: write p50", BenchStats.percentile(storage.latencies, 50), "ms"))
        add(.make("1 baseline", "storage: write p99", BenchStats.percentile(storage.latencies, 99), "ms"))
        add(.make("1 profile", "intake (parse+normalise+validate), 1 task", storage.intakeMicros, "µs/record",
            note: "= \(Int(1e6 / max(1, storage.intakeMicros))) records/s per core"))
        add(.make("2 baseline", "HTTP: population mock, \(options.clients) clients", http.population.rate, "req/s",
            note: http.population.statusSummary))
        add(.make("2 baseline", "HTTP: insurance mock, \(options.clients) clients", http.insurance.rate, "req/s",
            note: http.insurance.statusSummary))
        add(.make("2 baseline", "HTTP: both mocks at once, \(options.clients / 2)+\(options.clients / 2) clients", http.both.rate, "req/s",
            note: http.both.statusSummary))
        add(.make("3 single", "ingest rate, \(options.clients) clients", single.result.rate, "/s",
            baseline: ("storage", storageRate), atLeast: 8000,
            note: "\(single.result.statusSummary); CPU \(String(format: "%.2f", single.cores)) cores, \(Int(single.cpuMicros)) µs/record"))
        add(.make("3 single", "ingest p50", BenchStats.percentile(single.result.latencies, 50), "ms",
            baseline: ("storage p50", BenchStats.percentile(storage.latencies, 50))))
        add(.make("3 single", "ingest p99", BenchStats.percentile(single.result.latencies, 99), "ms",
            baseline: ("storage p99", BenchStats.percentile(storage.latencies, 99)), atMost: 25))
        add(.make("4 batch", "batch ingest rate (\(options.batchStreams)×\(options.batchChunk)-line requests)", batch.rate, "records/s",
            baseline: ("storage", storageRate), atLeast: 20000,
            note: "\(batch.accepted) accepted, \(batch.other) other; CPU \(String(format: "%.2f", batch.cores)) cores, \(Int(batch.cpuMicros)) µs/record"))
        add(.make("5 delivery", "backlog delivery rate (\(backlog.deliveries) deliveries, both lanes)", backlog.rate, "/s",
            baseline: ("HTTP both", http.both.rate),
            note: "\(backlog.attention) need attention, \(backlog.waiting) waiting; CPU \(String(format: "%.2f", backlog.cores)) cores"))
        add(.make("5 delivery", "end-to-end delivery rate (ingest → all succeeded)", endToEnd.rate, "/s",
            baseline: ("HTTP both", http.both.rate), atLeast: 3000,
            note: "\(endToEnd.deliveries) deliveries of \(count) records in \(String(format: "%.1f", endToEnd.seconds)) s; ingest alongside \(Int(endToEnd.ingestRate))/s; \(endToEnd.attention) need attention; CPU \(String(format: "%.2f", endToEnd.cores)) cores"))
        let idleP99 = BenchStats.percentile(idle.latencies, 99)
        add(.make("6 latency", "live delivery p50, idle", BenchStats.percentile(idle.latencies, 50), "ms"))
        add(.make("6 latency", "live delivery p99, idle", idleP99, "ms",
            note: "\(idle.latencies.count) deliveries at \(Int(options.liveRate)) records/s; ingest p99 \(BenchReport.format(BenchStats.percentile(idle.ingest, 99))) ms"))
        add(.make("6 latency", "live delivery p50, during backfill", BenchStats.percentile(busy.latencies, 50), "ms"))
        add(.make("6 latency", "live delivery p99, during backfill", BenchStats.percentile(busy.latencies, 99), "ms",
            baseline: ("idle p99", idleP99), atMost: 2 * max(idleP99, 1),
            note: "\(busy.latencies.count) deliveries; backfill of \(count) records (ingest \(Int(busy.backfillIngestRate))/s, \(busy.backfillActiveAtEnd) backfill deliveries still active when live traffic ended); ingest p99 \(BenchReport.format(BenchStats.percentile(busy.ingest, 99))) ms"))
        add(.make("7 memory", "peak RSS (VmHWM), gateway phases", memory.peak, "MiB", atMost: 300,
            note: "one process: gateway + both mocks + load generator; VmRSS sampled peak \(Int(sampledPeak)) MiB"))
        note("Baselines were measured in the same run: the HTTP baseline after the gateway phases (dispatcher stopped, mocks emptied), the storage baseline last on a store of its own with records already validated.")
        note("Ratios: single and batch ingest against the storage baseline; delivery rates against both mocks' combined request rate; latency during backfill against idle.")
    }
}
