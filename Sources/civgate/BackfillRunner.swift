import Foundation

/// The backfill loop: reads chunks, keeps up to `parallel` of them in flight, and after each chunk whose
/// lines (and every earlier chunk's) are acknowledged, counts them and moves the checkpoint on.
struct BackfillRunner {
    /// How a run ended.
    enum Ending {
        case done
        case interrupted
        case failed(String)
    }

    var reader: BackfillReader
    var sink: any BackfillSink
    var parallel: Int
    var checkpointPath: String?
    /// The checkpoint to continue (counts since the input's first line), or a fresh one.
    var checkpoint: BackfillCheckpoint?
    var progress: BackfillProgress
    var interrupt: InterruptFlag
    /// Attempts per chunk when the sink says sending it again may work.
    var attempts = 5
    /// Told the number of record lines acknowledged in this run, after each chunk.
    var onCommit: @Sendable (Int) -> Void = { _ in }

    /// Lines read in this run (physical, blank ones included), and what the record lines came to.
    private(set) var linesRead = 0
    private(set) var tally = BackfillTally()
    /// The last physical line acknowledged (in the whole input).
    private(set) var lastLine = 0

    mutating func run() async -> Ending {
        lastLine = checkpoint?.line ?? 0
        let interrupt = self.interrupt
        reader.stopWaiting = { interrupt.isSet }
        let sink = self.sink
        let attempts = self.attempts
        var ending = Ending.done
        do {
            try await withThrowingTaskGroup(of: (Int, BackfillChunk, [BackfillLineOutcome]).self) { group in
                var launched = 0
                var inFlight = 0
                var nextToCommit = 0
                var finished: [Int: (BackfillChunk, [BackfillLineOutcome])] = [:]
                var exhausted = false
                while true {
                    // With a chunk in flight, read ahead only what is there: waiting for a slow producer
                    // would hold back that chunk's count and checkpoint.
                    while inFlight < parallel, !exhausted, !interrupt.isSet, inFlight == 0 || reader.hasInputReady {
                        guard let chunk = try reader.next() else {
                            exhausted = true
                            break
                        }
                        let index = launched
                        launched += 1
                        inFlight += 1
                        group.addTask { (index, chunk, try await Self.send(chunk, to: sink, attempts: attempts)) }
                    }
                    guard let (index, chunk, outcomes) = try await group.next() else { break }
                    inFlight -= 1
                    finished[index] = (chunk, outcomes)
                    while let (done, results) = finished.removeValue(forKey: nextToCommit) {
                        try commit(done, results)
                        nextToCommit += 1
                    }
                    progress.update(linesRead)
                }
            }
            if interrupt.isSet { ending = .interrupted }
        } catch let failure as BackfillSendFailure {
            ending = .failed(failure.description)
        } catch let failure as CommandFailure {
            ending = .failed(failure.description)
        } catch {
            ending = .failed("cannot read the input (\(type(of: error)))")
        }
        progress.finish(linesRead)
        return ending
    }

    private mutating func commit(_ chunk: BackfillChunk, _ outcomes: [BackfillLineOutcome]) throws {
        var counted = BackfillTally()
        for outcome in outcomes {
            tally.add(outcome)
            counted.add(outcome)
        }
        linesRead += chunk.physicalLines
        lastLine = chunk.lastLine
        onCommit(tally.records)
        guard let checkpointPath, var checkpoint else { return }
        checkpoint.offset = chunk.endOffset
        checkpoint.line = chunk.lastLine
        checkpoint.accepted += counted.accepted
        checkpoint.duplicate += counted.duplicate
        checkpoint.rejected += counted.rejected
        checkpoint.updatedAt = Date().formatted(Date.ISO8601FormatStyle())
        try checkpoint.save(path: checkpointPath)
        self.checkpoint = checkpoint
    }

    /// Sends one chunk, again after a pause when the failure may pass (lines already stored by a
    /// failed attempt then answer `duplicate`).
    private static func send(_ chunk: BackfillChunk, to sink: any BackfillSink, attempts: Int) async throws
        -> [BackfillLineOutcome]
    {
        var attempt = 1
        while true {
            do {
                return try await sink.send(chunk)
            } catch let failure as BackfillSendFailure where failure.retryable && attempt < attempts {
                try await Task.sleep(for: .milliseconds(500 << (attempt - 1)))
                attempt += 1
            }
        }
    }
}
