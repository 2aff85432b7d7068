import CivgateEngine
import Foundation

extension BenchRun {
    /// What a delivery phase achieved.
    struct DeliveryPhase {
        var deliveries: Int
        var seconds: Double
        var attention: Int
        var waiting: Int
        var cores: Double
        var ingestRate = 0.0
        var rate: Double { seconds > 0 ? Double(deliveries) / seconds : 0 }
    }

    /// Waits until the dispatcher has nothing left to do and says how fast it delivered.
    func drain(_ gateway: BenchGateway, label: String, started: ContinuousClock.Instant = .now) async throws
        -> DeliveryPhase
    {
        let before = try await BenchDeliveries.counts(gateway.store)
        log("\(label): delivering \(before.active + before.waiting) deliveries")
        let cpu = BenchResources.cpuSeconds()
        guard
            try await BenchDeliveries.waitUntilSettled(gateway.store, timeout: .seconds(900), stop: { interrupt.isSet })
        else {
            try checkInterrupt()
            throw CommandFailure.runtime("\(label): deliveries did not settle in 15 minutes")
        }
        let seconds = BenchStats.seconds(ContinuousClock.now - started)
        let after = try await BenchDeliveries.counts(gateway.store)
        return DeliveryPhase(
            deliveries: after.succeeded - before.succeeded, seconds: seconds,
            attention: after.attention - before.attention,
            waiting: after.waiting, cores: (BenchResources.cpuSeconds() - cpu) / max(seconds, 0.001))
    }

    /// Ingests `file` record by record from `--clients` clients while the dispatcher delivers, until
    /// every delivery succeeded (or needs a person).
    func endToEnd(_ gateway: BenchGateway, file: String) async throws -> DeliveryPhase {
        let started = ContinuousClock.now
        let before = try await BenchDeliveries.counts(gateway.store)
        let cpu = BenchResources.cpuSeconds()
        let ingest = try await singleIngest(file: file, gateway: await gateway.url("gateway"), keyPrefix: "bench-e2e")
        guard
            try await BenchDeliveries.waitUntilSettled(gateway.store, timeout: .seconds(900), stop: { interrupt.isSet })
        else {
            try checkInterrupt()
            throw CommandFailure.runtime("end-to-end: deliveries did not settle in 15 minutes")
        }
        let seconds = BenchStats.seconds(ContinuousClock.now - started)
        let after = try await BenchDeliveries.counts(gateway.store)
        return DeliveryPhase(
            deliveries: after.succeeded - before.succeeded, seconds: seconds,
            attention: after.attention - before.attention,
            waiting: after.waiting - before.waiting, cores: (BenchResources.cpuSeconds() - cpu) / max(seconds, 0.001),
            ingestRate: ingest.result.rate)
    }

    /// What a latency phase measured.
    struct LatencyPhase {
        /// Milliseconds from 202 to succeeded, per live delivery.
        var latencies: [Double]
        /// Milliseconds per live ingest request.
        var ingest: [Double]
        var backfillIngestRate = 0.0
        /// Backfill deliveries still pending, in flight or retrying when the live traffic ended.
        var backfillActiveAtEnd = 0
    }

    /// Live records at `--live-rate` for `--live-seconds`, alone or while `backfill` is ingested and
    /// delivered; then the latency of every live delivery.
    func liveLatency(_ gateway: BenchGateway, file: String, keyPrefix: String, backfill: String?) async throws
        -> LatencyPhase
    {
        let lines = try BenchDataset.lines(of: file)
        let gatewayURL = await gateway.url("gateway")
        var backfillTask: Task<BatchPhase?, Never>?
        if let backfill {
            log(
                "live latency during a backfill: \(backfill) through the batch endpoint (2 streams), live at \(Int(options.liveRate))/s"
            )
            let (chunk, interrupt) = (options.batchChunk, interrupt)
            backfillTask = Task {
                try? await BenchRun.backfill(
                    file: backfill, gateway: gatewayURL, chunk: chunk, streams: 2, interrupt: interrupt, progress: false
                )
            }
            try await Task.sleep(for: .seconds(1))
        } else {
            log("live latency, idle: \(lines.count) records at \(Int(options.liveRate))/s")
        }
        let traffic = await BenchLiveTraffic.run(
            client: client, gateway: gatewayURL, lines: lines, rate: options.liveRate, keyPrefix: keyPrefix)
        var phase = LatencyPhase(latencies: [], ingest: traffic.ingestLatencies)
        if backfillTask != nil {
            phase.backfillActiveAtEnd = try await BenchDeliveries.counts(gateway.store, lanes: [.backfill]).active
        }
        guard
            try await BenchDeliveries.waitUntilSettled(
                gateway.store, lanes: [.live], timeout: .seconds(600), stop: { interrupt.isSet })
        else {
            try checkInterrupt()
            throw CommandFailure.runtime("live deliveries did not settle in 10 minutes")
        }
        let measured = try await BenchLiveTraffic.deliveryLatencies(gateway.store, samples: traffic.samples)
        phase.latencies = measured.latencies
        if traffic.failures > 0 || measured.unsucceeded > 0 {
            note(
                "\(keyPrefix): \(traffic.failures) live ingest requests failed, \(measured.unsucceeded) live deliveries did not succeed (left out of the latency)"
            )
        }
        if let backfillTask {
            let backfilled = await backfillTask.value
            phase.backfillIngestRate = backfilled?.rate ?? 0
            let drained = try await drain(gateway, label: "backfill drain")
            log(
                "backfill drained: \(drained.deliveries) deliveries after the live traffic, in \(String(format: "%.1f", drained.seconds)) s"
            )
        }
        return phase
    }
}
