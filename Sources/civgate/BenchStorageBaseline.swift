import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation

/// The storage limit: the rows a `POST /v1/records` stores, written through `SQLiteStore.ingest`
/// (group commit, WAL, the log synced before every answer) by concurrent tasks on a store of its own, with the
/// records already parsed and validated. Also times intake (parse, normalise, validate) alone on one
/// task: the part of each request's CPU that is neither HTTP nor SQLite.
enum BenchStorageBaseline {
    struct Result {
        var writes: Int
        var seconds: Double
        var latencies: [Double]
        /// Microseconds of one task's time per record in `RecordIntake.accept`.
        var intakeMicros: Double
        /// CPU seconds per write (all threads) while writing.
        var cpuMicrosPerWrite: Double
        var rate: Double { seconds > 0 ? Double(writes) / seconds : 0 }
    }

    static func run(lines: [Data], directory: String, configuration: GatewayConfiguration, concurrency: Int)
        async throws -> Result
    {
        var configuration = configuration
        configuration.store.dataDir = directory
        let store = try SQLiteStore(
            directory: directory, busyTimeout: configuration.store.busyTimeout.duration, preallocateLog: true)
        let schema = try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))
        let intake = RecordIntake(validator: try SchemaValidator(schema: schema))
        let ingest = IngestService(
            store: store, intake: intake, configuration: configuration, logger: LogSetup.logger("bench-storage"))
        let intakeStarted = ContinuousClock.now
        var accepted: [RecordIntake.Accepted] = []
        accepted.reserveCapacity(lines.count)
        for line in lines {
            if case .success(let record) = intake.accept(line) { accepted.append(record) }
        }
        let intakeMicros = BenchStats.seconds(ContinuousClock.now - intakeStarted) * 1e6 / Double(max(1, lines.count))
        let records = accepted
        let next = BenchCounter()
        let cpuBefore = BenchResources.cpuSeconds()
        let started = ContinuousClock.now
        let latencies = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var local: [Double] = []
                    while true {
                        let index = next.next()
                        guard index < records.count else { break }
                        let sent = ContinuousClock.now
                        _ = await ingest.storeAccepted(records[index], key: "bench-storage-\(index)")
                        local.append(BenchStats.milliseconds(ContinuousClock.now - sent))
                    }
                    return local
                }
            }
            return await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let seconds = BenchStats.seconds(ContinuousClock.now - started)
        let cpu = BenchResources.cpuSeconds() - cpuBefore
        return Result(
            writes: records.count, seconds: seconds, latencies: latencies, intakeMicros: intakeMicros,
            cpuMicrosPerWrite: cpu * 1e6 / Double(max(1, records.count)))
    }
}
