import CivgateEngine
import Foundation

extension BenchRun {
    /// `--million`: 1,000,000 generated records (mix all) through the batch endpoint while the dispatcher
    /// delivers, timed from the first request until every delivery to both mocks is done.
    func runMillion() async throws {
        let count = 1_000_000
        let limit = Duration.seconds(600)
        let file: String
        if let recordsFile = options.recordsFile {
            file = recordsFile
            log("records from \(recordsFile) (all its lines)")
        } else {
            log("generating \(count) records, mix all (not timed; about a minute)")
            file = try await dataset.make("million-all", count: count, mix: "all")
        }
        BenchDataset.writeOutPageCache()
        try checkInterrupt()
        let configuration = try gatewayConfiguration(backfillWorkers: options.workers)
        sampler.enter("gateway")
        let gateway = try await BenchGateway(configuration: configuration)
        let gatewayURL = await gateway.url("gateway")
        let mocks = [await gateway.url("population"), await gateway.url("insurance")]
        await gateway.startDispatcher()
        let janitor = BenchMockJanitor(client: client, mocks: mocks)
        defer { janitor.stop() }
        log(
            "civgate on \(gatewayURL): backfill of \(count) records, \(options.batchStreams)×\(options.batchChunk)-line requests; deliveries run alongside"
        )

        let started = ContinuousClock.now
        let cpu = BenchResources.cpuSeconds()
        let (chunk, streams, interrupt) = (options.batchChunk, options.batchStreams, interrupt)
        let outcome = BenchBox<(BatchPhase?, Double)>()
        let acknowledged = BenchBox<Int>()
        let ingestTask = Task {
            let phase = try? await BenchRun.backfill(
                file: file, gateway: gatewayURL, chunk: chunk, streams: streams, interrupt: interrupt, progress: true,
                onCommit: { acknowledged.set($0) })
            outcome.set((phase, BenchStats.seconds(ContinuousClock.now - started)))
        }
        // Wait for the ingest, reporting the deliveries every 10 s.
        var lastReport = ContinuousClock.now
        var ingestDone: (BatchPhase?, Double)?
        var settled = false
        var active = 0
        let deadline = started + limit
        var filter = DeliveryFilter()
        filter.states = [.pending, .inFlight, .retrying]
        while ContinuousClock.now < deadline, !interrupt.isSet {
            // Every 2 s: counting a large table costs the gateway CPU too.
            try await Task.sleep(for: .seconds(2))
            active = try await gateway.store.countDeliveries(filter)
            if ContinuousClock.now - lastReport >= .seconds(10) {
                lastReport = ContinuousClock.now
                let memory = BenchResources.memory()
                log(
                    "t=\(Int(BenchStats.seconds(ContinuousClock.now - started)))s: \(active) deliveries active; RSS \(Int(memory.rss)) MiB"
                )
            }
            if ingestDone == nil { ingestDone = outcome.value }
            if ingestDone != nil, active == 0 {
                settled = true
                break
            }
        }
        let seconds = BenchStats.seconds(ContinuousClock.now - started)
        let cores = (BenchResources.cpuSeconds() - cpu) / max(seconds, 0.001)
        if ingestDone == nil { ingestTask.cancel() }
        let ingest = ingestDone ?? (nil, seconds)
        let counts = try await BenchDeliveries.counts(gateway.store)
        let memory = BenchResources.memory()
        let records = ingest.0.map { $0.accepted + $0.other } ?? acknowledged.value ?? 0
        let ingestSeconds = ingestDone == nil ? seconds : ingest.1
        // Unfinished: how long the whole million would take at the rates reached.
        let perRecord = Double(counts.total) / Double(max(1, records))
        let deliveryRate = Double(counts.succeeded) / seconds
        let projected = max(
            Double(count) / max(Double(records) / ingestSeconds, 0.001),
            Double(count) * perRecord / max(deliveryRate, 0.001))
        let state =
            "\(records) records ingested in \(Int(ingestSeconds)) s; \(counts.succeeded) of \(counts.total) deliveries succeeded, \(counts.active) pending or in flight, \(counts.waiting) waiting, \(counts.attention) need attention; CPU \(String(format: "%.2f", cores)) cores"
        if settled, records >= count {
            add(.make("1M", "1,000,000 records ingested and delivered", seconds, "s", atMost: 600, note: state))
        } else if settled {
            // A shorter records file: its time, but the target is for a million records.
            add(
                .make(
                    "1M", "\(records) records ingested and delivered (not a million: no target)", seconds, "s",
                    note: state))
        } else {
            add(
                .make(
                    "1M", "1,000,000 records: NOT FINISHED in \(Int(seconds)) s; projected total", projected, "s",
                    atMost: 600,
                    note: state + "; projection = the slower of ingest and delivery at the rates reached"))
        }
        add(
            .make(
                "1M", "batch ingest rate (while delivering)", Double(records) / max(ingestSeconds, 0.001), "records/s",
                atLeast: 20000))
        add(.make("1M", "delivery rate (whole run)", deliveryRate, "/s", atLeast: 3000))
        add(
            .make(
                "1M", "peak RSS (VmHWM)", memory.peak, "MiB", atMost: Self.memoryTargetMiB,
                note: "one process: gateway + both mocks + load generator"))
        let source =
            options.recordsFile.map { "every line of \($0)" }
            ?? "gen_records.py --mix all, generated before the clock starts"
        note(
            "--million: backfill lane with \(options.workers) workers per destination (nothing live to protect); records: \(source)."
        )
        await gateway.stop()
        try checkInterrupt()
    }
}
