import CivgateEngine
import Foundation
import NIOCore

extension BenchRun {
    /// What an ingest phase achieved, with the CPU it took.
    struct IngestPhase {
        var result: BenchLoad.Result
        /// Cores busy on average (CPU seconds / wall seconds).
        var cores: Double
        /// CPU microseconds (all threads) per record.
        var cpuMicros: Double
    }

    /// Posts every line of `file` to `POST /v1/records` from `--clients` concurrent clients.
    func singleIngest(file: String, gateway: String, keyPrefix: String) async throws -> IngestPhase {
        let lines = try BenchDataset.lines(of: file)
        log("single-record ingest: \(lines.count) records, \(options.clients) clients")
        let cpu = BenchResources.cpuSeconds()
        let result = await load.run(base: gateway, clients: options.clients, total: lines.count) { index in
            BenchLoad.Request(
                path: "/v1/records", contentType: "application/json",
                headers: [("Idempotency-Key", "\(keyPrefix)-\(index)")], body: lines[index])
        }
        let used = BenchResources.cpuSeconds() - cpu
        return IngestPhase(
            result: result, cores: used / max(result.seconds, 0.001),
            cpuMicros: used * 1e6 / Double(max(1, lines.count)))
    }

    /// What a batch phase achieved.
    struct BatchPhase {
        var accepted: Int
        var other: Int
        var seconds: Double
        var cores: Double
        var cpuMicros: Double
        var rate: Double { seconds > 0 ? Double(accepted + other) / seconds : 0 }
    }

    /// Sends `file` through `POST /v1/records:batch` with the `civgate backfill` client.
    func batchIngest(file: String, gateway: String, streams: Int) async throws -> BatchPhase {
        log("batch ingest: \(file) in \(options.batchChunk)-line requests, \(streams) at once")
        let cpu = BenchResources.cpuSeconds()
        let phase = try await Self.backfill(
            file: file, gateway: gateway, chunk: options.batchChunk, streams: streams, interrupt: interrupt,
            progress: false)
        let used = BenchResources.cpuSeconds() - cpu
        var result = phase
        result.cores = used / max(phase.seconds, 0.001)
        result.cpuMicros = used * 1e6 / Double(max(1, phase.accepted + phase.other))
        return result
    }

    /// Runs the backfill client over `file` against `gateway`.
    static func backfill(
        file: String, gateway: String, chunk: Int, streams: Int, interrupt: InterruptFlag, progress: Bool,
        onCommit: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> BatchPhase {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw CommandFailure.runtime("cannot read \(file)")
        }
        defer { try? handle.close() }
        let sink = BackfillHTTPSink(baseURL: gateway, connections: streams)
        let total = progress ? try BackfillReader.countLines(path: file, from: 0) : nil
        var runner = BackfillRunner(
            reader: BackfillReader(handle: handle, startOffset: 0, linesDone: 0, chunkLines: chunk), sink: sink,
            parallel: streams, checkpointPath: nil, checkpoint: nil,
            progress: BackfillProgress(total: total, quiet: !progress),
            interrupt: interrupt, onCommit: onCommit)
        let started = ContinuousClock.now
        let ending = await runner.run()
        let seconds = BenchStats.seconds(ContinuousClock.now - started)
        await sink.close()
        if case .failed(let reason) = ending { throw CommandFailure.runtime("batch ingest failed: \(reason)") }
        return BatchPhase(
            accepted: runner.tally.accepted, other: runner.tally.duplicate + runner.tally.rejected, seconds: seconds,
            cores: 0,
            cpuMicros: 0)
    }
}
