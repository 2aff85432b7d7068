import CivgateEngine
import Foundation

extension BenchRun {
    /// The standard run: ingest, delivery, latency and memory, then the two baselines (`--only` picks).
    func runPhases() async throws {
        let count = options.records
        let liveCount = Int(options.liveRate * options.liveSeconds)
        let wants = options.wants
        let gatewayPhases = ["http", "single", "batch", "delivery", "latency"].contains(where: wants)
        log("generating records (not timed): \(count) per phase")
        let singleFile = try await dataset.make("single-live", count: count, mix: "live")
        let batchFile =
            wants("batch") ? try await dataset.make("batch-historical", count: count, mix: "historical") : nil
        let endToEndFile = wants("delivery") ? try await dataset.make("e2e-live", count: count, mix: "live") : nil
        let idleFile =
            wants("latency") ? try await dataset.make("latency-idle-live", count: liveCount, mix: "live") : nil
        let busyFile =
            wants("latency") ? try await dataset.make("latency-busy-live", count: liveCount, mix: "live") : nil
        let backfillFile =
            wants("latency")
            ? try await dataset.make("latency-backfill-historical", count: count, mix: "historical") : nil
        let httpFile = wants("http") ? try await dataset.make("http-baseline-live", count: count, mix: "live") : nil
        BenchDataset.writeOutPageCache()
        try checkInterrupt()

        let configuration = try gatewayConfiguration(backfillWorkers: options.backfillWorkers)
        var results = PhaseResults()
        if gatewayPhases {
            sampler.enter("gateway")
            let gateway = try await BenchGateway(configuration: configuration)
            let gatewayURL = await gateway.url("gateway")
            let mocks = [await gateway.url("population"), await gateway.url("insurance")]
            log("civgate on \(gatewayURL), mocks on \(mocks.joined(separator: ", ")); dispatcher not started yet")
            // 3 and 4: ingest with nothing delivering.
            if wants("single") {
                results.single = try await singleIngest(
                    file: singleFile, gateway: gatewayURL, keyPrefix: "bench-single")
                try checkInterrupt()
            }
            if let batchFile {
                // Batch ingest alone: the single phase's live records keep the backfill's intake on its
                // smaller budget for a second after the last one.
                while IngestService.liveRecordsArriving { try await Task.sleep(for: .milliseconds(50)) }
                results.batch = try await batchIngest(
                    file: batchFile, gateway: gatewayURL, streams: options.batchStreams)
                try checkInterrupt()
            }
            // 5 and 6: the dispatcher runs.
            if wants("delivery") || wants("latency") {
                let janitor = BenchMockJanitor(client: client, mocks: mocks)
                let started = ContinuousClock.now
                await gateway.startDispatcher()
                results.backlog = try await drain(gateway, label: "backlog", started: started)
                try checkInterrupt()
                if let endToEndFile {
                    results.endToEnd = try await endToEnd(gateway, file: endToEndFile)
                    try checkInterrupt()
                }
                if let idleFile, let busyFile, let backfillFile {
                    results.idle = try await liveLatency(
                        gateway, file: idleFile, keyPrefix: "bench-idle", backfill: nil)
                    try checkInterrupt()
                    results.busy = try await liveLatency(
                        gateway, file: busyFile, keyPrefix: "bench-busy", backfill: backfillFile)
                    try checkInterrupt()
                }
                await gateway.stopDispatcher()
                janitor.stop()
            }
            // 7: memory of the gateway phases, before the baselines allocate their own data.
            results.memory = BenchResources.memory()
            results.sampledPeak = sampler.peak("gateway")
            // 2: the HTTP baseline, dispatcher stopped and mocks emptied.
            if let httpFile {
                for base in mocks { await BenchMockJanitor.reset(client: client, base: base) }
                sampler.enter("baselines")
                results.http = try await httpBaseline(file: httpFile, population: mocks[0], insurance: mocks[1])
            }
            await gateway.stop()
            try checkInterrupt()
        }
        // 1: the storage baseline, on a store of its own.
        if wants("storage") {
            sampler.enter("baselines")
            log("storage baseline: the rows of the single-record phase, straight through SQLiteStore.ingest")
            results.storage = try await BenchStorageBaseline.run(
                lines: try BenchDataset.lines(of: singleFile),
                directory: (directory as NSString).appendingPathComponent("storage-baseline"),
                configuration: configuration,
                concurrency: options.clients)
        }
        addRows(results)
        note(
            "Baselines were measured in the same run: the HTTP baseline after the gateway phases (dispatcher stopped, mocks emptied), the storage baseline last, on a store of its own, with the records already validated."
        )
        note(
            "Ratios: single and batch ingest against the storage baseline; delivery rates against both mocks' combined request rate; latency during backfill against idle."
        )
    }
}
