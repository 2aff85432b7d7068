import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation

extension BenchRun {
    /// The mocks' own request rates.
    struct HTTPPhase {
        var population: MeasuredLoad
        var insurance: MeasuredLoad
        var both: MeasuredLoad
    }

    /// A load with the CPU the whole process used meanwhile (mock and load generator alike).
    struct MeasuredLoad {
        var result: BenchLoad.Result
        var cores: Double
        var cpuMicros: Double

        /// Statuses, latency and CPU for the notes.
        var summary: String {
            let p50 = BenchStats.percentile(result.latencies, 50)
            let p99 = BenchStats.percentile(result.latencies, 99)
            return
                "\(result.statusSummary); p50 \(String(format: "%.1f", p50)) / p99 \(String(format: "%.1f", p99)) ms; CPU \(String(format: "%.2f", cores)) cores, \(Int(cpuMicros)) µs/request"
        }

        static func measure(_ load: () async -> BenchLoad.Result) async -> MeasuredLoad {
            let cpu = BenchResources.cpuSeconds()
            let result = await load()
            let used = BenchResources.cpuSeconds() - cpu
            return MeasuredLoad(
                result: result, cores: used / max(result.seconds, 0.001),
                cpuMicros: used * 1e6 / Double(max(1, result.requests)))
        }
    }

    /// The HTTP limit: each mock alone at `--clients` clients, then both at once with half each.
    func httpBaseline(file: String, population: String, insurance: String) async throws -> HTTPPhase {
        let configuration = try gatewayConfiguration(backfillWorkers: options.backfillWorkers)
        let schema = try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))
        let messages = BenchMockBaseline.messages(
            lines: try BenchDataset.lines(of: file), configuration: configuration,
            intake: RecordIntake(validator: try SchemaValidator(schema: schema)))
        log(
            "HTTP baseline: \(messages.population.count) assign-pin and \(messages.insurance.count) issue-child-card messages, \(options.clients) clients"
        )
        let load = self.load
        let clients = options.clients
        let populationResult = await MeasuredLoad.measure {
            await load.run(base: population, clients: clients, total: messages.population.count) { index in
                BenchMockBaseline.request(messages.population[index])
            }
        }
        await BenchMockJanitor.reset(client: client, base: population)
        let insuranceResult = await MeasuredLoad.measure {
            await load.run(base: insurance, clients: clients, total: messages.insurance.count) { index in
                BenchMockBaseline.request(messages.insurance[index])
            }
        }
        await BenchMockJanitor.reset(client: client, base: insurance)
        let both = await MeasuredLoad.measure {
            let started = ContinuousClock.now
            async let first = load.run(base: population, clients: max(1, clients / 2), total: messages.population.count)
            { index in
                BenchMockBaseline.request(messages.population[index])
            }
            async let second = load.run(base: insurance, clients: max(1, clients / 2), total: messages.insurance.count)
            { index in
                BenchMockBaseline.request(messages.insurance[index])
            }
            var both = await first
            both.merge(await second)
            both.seconds = BenchStats.seconds(ContinuousClock.now - started)
            return both
        }
        for base in [population, insurance] { await BenchMockJanitor.reset(client: client, base: base) }
        return HTTPPhase(population: populationResult, insurance: insuranceResult, both: both)
    }
}
