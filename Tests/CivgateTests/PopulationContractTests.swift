import CivgateContracts
import CivgateModel
import CivgateXML
import Foundation
import PopulationAdapter
import Testing

/// Every population operation's message, made from the samples and 2,000 generated records (all events,
/// both mixes), validates against `contracts/population/population.xsd`.
@Suite("Population contract: every operation")
struct PopulationContractTests {
    /// The operation a record's event goes to at the Population Database under the default routes.
    static func operation(for event: EventType) -> String? {
        switch event {
        case .birth: "assign-pin"
        case .death: "record-death"
        case .maritalStatusConfirmation: nil
        default: "update-citizen"
        }
    }

    @Test("samples and 2,000 generated records: every message sent is valid; only split communes wait")
    func everyMessageValidates() throws {
        let intake = try TestIntake.make()
        let validator = try XMLSchemaValidator(schemaAt: ContractFiles.url(ContractFiles.populationSchemaPath))
        var inputs = TestPaths.jsonFiles(in: TestPaths.samples).compactMap { try? Data(contentsOf: $0) }
        inputs += try RecordGenerator.lines(count: 1000, seed: 31, mix: "all")
        inputs += try RecordGenerator.lines(count: 500, seed: 32, mix: "live")
        inputs += try RecordGenerator.lines(count: 500, seed: 33, mix: "historical")
        var sent: [String: Int] = [:]
        var waiting: [String: Int] = [:]
        for data in inputs {
            let record = try TestIntake.accept(data, with: intake).record
            guard let operation = Self.operation(for: record.event) else { continue }
            let job = DeliveryJob(
                deliveryID: "dlv_contract", record: record, operation: operation,
                outboundKey: "cg1-contract-\(record.source.recordId)", attempt: 1)
            switch PopulationAdapter().prepare(job) {
            case .send(let request):
                do {
                    try validator.validate(request.body)
                } catch {
                    Issue.record("\(record.source.recordId) \(operation): \(error)")
                }
                sent[operation, default: 0] += 1
            case .needsData(let fields, _):
                // The only legitimate wait for generated data: the old commune 00016 was split in 2025.
                let authority = record.registration.authority
                #expect(
                    authority.codeSystem == "QD124-2004" && authority.code == "00016" && operation != "assign-pin",
                    "\(record.source.recordId) \(operation) waits for \(fields)")
                waiting[operation, default: 0] += 1
            case .unmappable(let code, let detail):
                Issue.record("\(record.source.recordId) \(operation) unmappable: \(code) \(detail)")
            case .skip(let reason):
                Issue.record("\(record.source.recordId) \(operation) skipped: \(reason)")
            }
        }
        #expect(inputs.count >= 2_000)
        #expect(sent["assign-pin", default: 0] > 1_000)
        #expect(sent["record-death", default: 0] > 250)
        #expect(sent["update-citizen", default: 0] > 250)
    }
}
