import ArgumentParser
import AsyncHTTPClient
import CivgateEngine
import Foundation
import NIOCore

/// One bench run: its options, records, report and the resources it watches.
final class BenchRun {
    /// Issue 6's memory target: RSS ≤ 300 MB, that is 300,000,000 bytes = 286 MiB (RSS is read in MiB).
    static let memoryTargetMiB = 286.0

    // Used from the command's task only.
    let options: BenchCommand
    var report: BenchReport
    var dataset: BenchDataset
    let directory: String
    private let temporary: Bool
    let sampler = BenchMemorySampler()
    let interrupt = InterruptFlag()
    /// For the mock resets and the open-loop live traffic (phase 6).
    let client: HTTPClient
    /// The event loops of the closed-loop load generator (`BenchLoad`).
    let loadGroup: any EventLoopGroup
    let started = ContinuousClock.now

    init(options: BenchCommand) throws {
        self.options = options
        if let dataDir = options.dataDir {
            directory = dataDir
            temporary = false
        } else {
            directory = (NSTemporaryDirectory() as NSString).appendingPathComponent(
                "civgate-bench-\(UUID().uuidString.prefix(8))")
            temporary = true
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        dataset = try BenchDataset(directory: directory, generator: options.generator, source: options.recordsFile)
        report = BenchReport(
            command: (["civgate"] + CommandLine.arguments.dropFirst()).joined(separator: " "), machine: .current(),
            configuration: [:])
        client = BenchLiveTraffic.makeClient(connections: max(options.clients, options.workers) + 8)
        loadGroup = BenchLoad.makeGroup(threads: options.loadThreads)
        BenchResources.resetPeak()
        sampler.start()
    }

    /// The gateway configuration of the bench: the base file's routes and destination settings, loopback
    /// on a free port, the store in the run's directory, many workers, no rate limit.
    func gatewayConfiguration(backfillWorkers: Int) throws -> GatewayConfiguration {
        var configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration.load(path: options.config)
        } catch let error as ConfigurationError {
            throw CommandFailure.configuration(error.description)
        }
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.store.dataDir = (directory as NSString).appendingPathComponent("store")
        configuration.mocks.embedded = []
        for name in configuration.destinations.keys {
            configuration.destinations[name]?.url = nil
            configuration.destinations[name]?.workers = options.workers
            configuration.destinations[name]?.backfillWorkers = backfillWorkers
            configuration.destinations[name]?.rateLimit = 0
        }
        report.configuration = [
            "destinations": configuration.destinations.keys.sorted().joined(separator: ", "),
            "workers per destination": "\(options.workers) live, \(backfillWorkers) backfill",
            "dispatcher":
                "claims batched per destination and lane (one transaction serves every idle worker; a worker's result rides on its next claim), poll \(configuration.dispatcher.pollInterval.milliseconds) ms, woken by ingest",
            "store":
                "SQLite WAL, the log synced (fdatasync) on a thread of its own before every answer (before claims and results: the writes they may read), group commit on its own thread (live first, in a transaction of their own when backfill writes are queued; a transaction takes writes for 8 ms, backfill writes 2 ms while live ones arrive), checkpoints on a thread of their own, in \(configuration.store.dataDir)",
            "mocks": "in-process, no faults; their request logs emptied every 2 s (POST /_mock/reset)",
            "load":
                "in-process closed-loop client on SwiftNIO (one keep-alive HTTP/1.1 connection per client, requests written as bytes, minimal response parser), \(Self.loadThreads(options.loadThreads)); \(options.clients) clients for single-record ingest, end-to-end ingest and the HTTP baseline; open-loop live traffic and mock resets through AsyncHTTPClient, batch ingest through the civgate backfill client",
            "records": options.recordsFile.map { "slices of \($0)" }
                ?? "gen_records.py (\(options.generator)), new ids per phase",
            "build": Self.buildKind,
        ]
        return configuration
    }

    static func loadThreads(_ threads: Int) -> String {
        threads > 0
            ? "\(threads) event loop thread\(threads == 1 ? "" : "s") of its own"
            : "on the event loops of the gateway and the mocks"
    }

    /// The closed-loop load generator.
    var load: BenchLoad { BenchLoad(group: loadGroup) }

    static var buildKind: String {
        #if DEBUG
            return "DEBUG build: figures are not representative (use swift build -c release)"
        #else
            return "release"
        #endif
    }

    /// Adds a figure, and prints it at once unless the report goes out as JSON.
    func add(_ row: BenchRow) {
        report.rows.append(row)
        if !options.json {
            log(
                BenchReport.cells(row).filter { $0 != "-" }.joined(separator: "  ")
                    + (row.note.map { "  (\($0))" } ?? ""))
        }
    }

    func note(_ text: String) {
        report.notes.append(text)
    }

    /// A line on stderr.
    func log(_ text: String) {
        let elapsed = Int(BenchStats.seconds(ContinuousClock.now - started))
        FileHandle.standardError.write(Data("bench [\(elapsed) s]: \(text)\n".utf8))
    }

    /// Stops with 130 when Ctrl-C was pressed.
    func checkInterrupt() throws {
        if interrupt.isSet {
            log("interrupted")
            throw ExitCode(130)
        }
    }

    func finish() {
        sampler.stop()
        if options.json {
            try? JSONOutput.print(report)
            return
        }
        Output.line("civgate bench — \(report.machine.date)")
        Output.line("machine: \(report.machine.summary)")
        Output.line("command: \(report.command)")
        for (key, value) in report.configuration.sorted(by: { $0.key < $1.key }) { Output.line("\(key): \(value)") }
        Output.line("")
        Output.line(report.table())
        Output.line("")
        for row in report.rows { if let text = row.note { Output.line("- \(row.phase), \(row.figure): \(text)") } }
        for text in report.notes { Output.line("- " + text) }
    }

    func cleanUp() {
        try? client.syncShutdown()
        if options.loadThreads > 0 { loadGroup.shutdownGracefully { _ in } }
        if temporary { try? FileManager.default.removeItem(atPath: directory) }
    }
}
