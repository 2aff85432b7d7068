import ArgumentParser
import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation

/// `civgate backfill FILE|-`: feeds historical records, one JSON record per line, to the batch endpoint
/// of a running civgate or straight into the store, with a progress bar and a checkpoint to resume from.
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Load NDJSON records (one per line) into the backfill lane, resumably.",
        discussion: """
            Every line is idempotent by its record's natural key (source.system, recordId, version): a line \
            already stored answers "duplicate" and creates nothing. Blank lines are skipped.

            --url sends chunks of lines to POST /v1/records:batch of a running civgate. --direct writes to \
            the store of --config/--data-dir in-process (same checks); a civgate serve on that store \
            delivers the records (backfill lane, its own worker budget).

            After each chunk is acknowledged the byte offset and line reached are written to the \
            checkpoint (default FILE.checkpoint). Run the same command again after an interruption (Ctrl-C \
            stops between chunks, also while a pipe is idle) or a failure: it skips to the checkpoint. The checkpoint is deleted when \
            the file is done; --restart ignores it. Standard input (-) cannot resume.

            Lines from a pipe are sent as they arrive: a chunk goes at most 0.2 s after its first line, so \
            a slow producer's records are stored, counted and checkpointed as it writes them.

            Progress (lines, rate, ETA) goes to stderr; the summary to stdout (--json for scripts): lines \
            read, accepted, duplicate, rejected, and the first rejected lines by number and problem code \
            (never record content).

            Examples:
              civgate backfill books-1998.ndjson --url http://127.0.0.1:8080
              civgate backfill books-1998.ndjson --direct --config config/civgate.yaml
              python3 gen_records.py --count 100000 --mix historical | civgate backfill - --url http://127.0.0.1:8080
            Exit codes: 0 every line processed and none rejected; 65 every line processed, some rejected \
            (see the summary); 1 the gateway or store failed (resume later); 64 usage; 130 interrupted \
            (resume with the same command).
            """)

    @Argument(help: ArgumentHelp("NDJSON file, or - for standard input.", valueName: "FILE|-"))
    var input: String

    @Option(
        help: ArgumentHelp(
            "Base URL of a running civgate: chunks go to POST /v1/records:batch.", valueName: "http://HOST:PORT"))
    var url: String?

    @Flag(help: "Write to the store of --config/--data-dir in-process, without a server.")
    var direct = false

    @OptionGroup var store: StoreOptions

    @Option(help: "Lines per chunk (one request, one checkpoint step).")
    var chunk = 1000

    @Option(help: "Chunks in flight at once.")
    var parallel = 2

    @Option(help: "Checkpoint file (default: FILE.checkpoint).")
    var checkpoint: String?

    @Flag(help: "Ignore (and replace) an existing checkpoint: start from the first line.")
    var restart = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        guard (url != nil) != direct else {
            throw ValidationError(
                "say where the records go: --url http://HOST:PORT (a running civgate) or --direct (the store)")
        }
        if let url, URL(string: url)?.host == nil || !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url \(url): expected http://HOST:PORT")
        }
        guard chunk > 0, chunk <= 100_000 else { throw ValidationError("--chunk must be between 1 and 100000") }
        guard (1...16).contains(parallel) else { throw ValidationError("--parallel must be between 1 and 16") }
        if input == "-", checkpoint != nil {
            throw ValidationError("standard input cannot resume: --checkpoint needs a file")
        }
    }

    func run() async throws {
        try await runReporting {
            let interrupt = InterruptFlag(notice: "interrupted: stopping after the chunks in flight")
            let (handle, resumed, checkpointPath, total) = try openInput()
            let sink = try makeSink()
            var runner = BackfillRunner(
                reader: BackfillReader(
                    handle: handle, startOffset: resumed?.offset ?? 0, linesDone: resumed?.line ?? 0, chunkLines: chunk),
                sink: sink, parallel: parallel, checkpointPath: checkpointPath,
                checkpoint: checkpointPath.map { _ in
                    resumed ?? BackfillCheckpoint(input: absolute(input), offset: 0, line: 0, updatedAt: "")
                }, progress: BackfillProgress(total: total, quiet: quiet), interrupt: interrupt)
            let ending = await runner.run()
            await sink.close()
            let summary = BackfillSummary(
                input: input, resumedAfterLine: resumed?.line, linesRead: runner.linesRead, lastLine: runner.lastLine,
                tally: runner.tally, seconds: runner.progress.elapsed,
                sinceStart: runner.checkpoint.map {
                    BackfillSummary.Totals(accepted: $0.accepted, duplicate: $0.duplicate, rejected: $0.rejected)
                })
            switch ending {
            case .done:
                if let checkpointPath { try? FileManager.default.removeItem(atPath: checkpointPath) }
                try summary.print(json: json, outcome: "done")
                let rejected = summary.sinceStart?.rejected ?? runner.tally.rejected
                if rejected > 0 { throw ExitCode(65) }
            case .interrupted:
                try summary.print(json: json, outcome: "interrupted")
                Output.error(resumeHint(checkpointPath, lastLine: runner.lastLine, why: "interrupted"))
                throw ExitCode(130)
            case .failed(let reason):
                try summary.print(json: json, outcome: "failed")
                Output.error(reason)
                Output.error(resumeHint(checkpointPath, lastLine: runner.lastLine, why: "stopped"))
                throw ExitCode(1)
            }
        }
    }

    private func resumeHint(_ checkpointPath: String?, lastLine: Int, why: String) -> String {
        guard let checkpointPath else {
            return
                "\(why) after line \(lastLine) of standard input, which cannot resume: send the rest again (lines already stored answer duplicate)"
        }
        return "\(why) after line \(lastLine); run the same command again to resume from \(checkpointPath)"
    }

    private func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The input positioned where this run starts, the checkpoint it continues, its path, and the lines
    /// left to read (for the progress bar).
    private func openInput() throws -> (FileHandle, BackfillCheckpoint?, String?, Int?) {
        if input == "-" {
            if !quiet {
                Output.error(
                    "reading standard input: it cannot resume after an interruption (lines sent again answer duplicate)"
                )
            }
            return (FileHandle.standardInput, nil, nil, nil)
        }
        guard let handle = FileHandle(forReadingAtPath: input) else {
            throw CommandFailure.usage("cannot read \(input)")
        }
        let path = checkpoint ?? input + ".checkpoint"
        // A named pipe (`<(zcat books.gz)`) is read as it comes: no seeking, no counting ahead.
        let isRegular =
            (try? FileManager.default.attributesOfItem(atPath: input)[.type]) as? FileAttributeType == .typeRegular
        var resumed: BackfillCheckpoint?
        if restart {
            try? FileManager.default.removeItem(atPath: path)
        } else if let saved = try BackfillCheckpoint.load(path: path) {
            guard isRegular else {
                throw CommandFailure.usage(
                    "\(input) is not a regular file, so it cannot resume from \(path); pass --restart to start over")
            }
            let size = try handle.seekToEnd()
            guard saved.input == absolute(input) else {
                throw CommandFailure.usage(
                    "the checkpoint \(path) belongs to \(saved.input); pass --checkpoint or --restart")
            }
            var boundary = saved.offset == 0
            if saved.offset > 0, saved.offset <= size {
                try handle.seek(toOffset: saved.offset - 1)
                boundary = (try handle.read(upToCount: 1)) == Data([0x0A]) || saved.offset == size
            }
            guard saved.offset <= size, boundary else {
                throw CommandFailure.usage(
                    "the checkpoint \(path) does not match \(input) (changed since?); pass --restart to start over")
            }
            resumed = saved
            Output.error(
                "resuming \(input) after line \(saved.line) (byte \(saved.offset)) from \(path); before: \(saved.accepted) accepted, \(saved.duplicate) duplicate, \(saved.rejected) rejected"
            )
        }
        if let resumed { try handle.seek(toOffset: resumed.offset) }
        let total = quiet || !isRegular ? nil : try BackfillReader.countLines(path: input, from: resumed?.offset ?? 0)
        return (handle, resumed, path, total)
    }

    private func makeSink() throws -> any BackfillSink {
        if let url { return BackfillHTTPSink(baseURL: url, connections: parallel) }
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration.load(path: store.config)
        } catch let error as ConfigurationError {
            throw CommandFailure.configuration(error.description)
        }
        let opened = try store.openStore(preallocateLog: true)
        if let problem = opened.logPreallocationProblem { Output.error(problem) }
        let schema = try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))
        let ingest = IngestService(
            store: opened, intake: RecordIntake(validator: try SchemaValidator(schema: schema)),
            configuration: configuration,
            logger: LogSetup.logger("civgate-backfill"))
        return BackfillDirectSink(ingest: ingest, maxLineBytes: configuration.server.maxBodyBytes)
    }
}
