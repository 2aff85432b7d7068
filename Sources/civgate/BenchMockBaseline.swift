import CivgateEngine
import CivgateModel
import Foundation
import InsuranceAdapter
import NIOCore
import PopulationAdapter

/// The HTTP limit: the mocks' own request rate at the same concurrency, with no gateway in between.
/// The messages are the ones the adapters make for birth records (`assign-pin` to the Population
/// Database, `issue-child-card` to Social Security, with a made-up PIN), each with its own key.
enum BenchMockBaseline {
    /// Prepared requests (path relative to the mock's base URL) for each mock.
    struct Messages: Sendable {
        var population: [OutboundRequest] = []
        var insurance: [OutboundRequest] = []
    }

    static func messages(lines: [Data], configuration: GatewayConfiguration, intake: RecordIntake) -> Messages {
        let population = PopulationAdapter()
        let insurance = InsuranceAdapter(settings: configuration.destinations["insurance"]?.settings ?? [:])
        let today = String(Timestamp.iso(Timestamp.now() + 7 * 3_600_000).prefix(10))
        var messages = Messages()
        for (index, line) in lines.enumerated() {
            guard case .success(let accepted) = intake.accept(line), accepted.record.event == .birth,
                let child = accepted.record.subject("child"), let sex = child.sex, let year = child.birthDate?.year,
                let pin = PersonalIdentificationNumber(
                    provinceCode: "001", sex: sex, birthYear: year, serial: index % 1_000_000)
            else { continue }
            let pinJob = DeliveryJob(
                deliveryID: "dlv_bench", record: accepted.record, operation: "assign-pin",
                outboundKey: "bench-http-pin-\(index)",
                attempt: 1, today: today)
            if case .send(let request) = population.prepare(pinJob) { messages.population.append(request) }
            let cardJob = DeliveryJob(
                deliveryID: "dlv_bench", record: accepted.record, operation: "issue-child-card",
                outboundKey: "bench-http-card-\(index)", attempt: 1,
                upstreamResults: ["assign-pin": ["pin": pin.digits]],
                today: today)
            if case .send(let request) = insurance.prepare(cardJob) { messages.insurance.append(request) }
        }
        return messages
    }

    /// A load request for `message` (its path is relative to the mock's base URL).
    static func request(_ message: OutboundRequest) -> BenchLoad.Request {
        BenchLoad.Request(
            path: message.path, contentType: message.contentType,
            headers: message.headers.map { ($0.key, $0.value) },
            body: Data(message.body))
    }
}
