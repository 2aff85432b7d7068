import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation

extension BenchRun {
    /// The mocks' own request rates.
    struct HTTPPhase {
        var population: BenchLoad.Result
        var insurance: BenchLoad.Result
        var both: BenchLoad.Result
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
        let load = BenchLoad(client: client)
        let clients = options.clients
        let populationResult = await load.run(clients: clients, total: messages.population.count) { index in
            BenchMockBaseline.request(messages.population[index], base: population)
        }
        await BenchMockJanitor.reset(client: client, base: population)
        let insuranceResult = await load.run(clients: clients, total: messages.insurance.count) { index in
            BenchMockBaseline.request(messages.insurance[index], base: insurance)
        }
        await BenchMockJanitor.reset(client: client, base: insurance)
        let started = ContinuousClock.now
        async let first = load.run(clients: max(1, clients / 2), total: messages.population.count) { index in
            BenchMockBaseline.request(messages.population[index], base: population)
        }
        async let second = load.run(clients: max(1, clients / 2), total: messages.insurance.count) { index in
            BenchMockBaseline.request(messages.insurance[index], base: insurance)
        }
        var both = await first
        both.merge(await second)
        both.seconds = BenchStats.seconds(ContinuousClock.now - started)
        for base in [population, insurance] { await BenchMockJanitor.reset(client: client, base: base) }
        return HTTPPhase(population: populationResult, insurance: insuranceResult, both: both)
    }
}
