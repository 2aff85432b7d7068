import ArgumentParser
import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation

/// `civgate map RECORD.json --destination NAME`: the message that would be sent, nothing stored or sent.
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Print the message a record would produce for a destination, without storing or sending it.",
        discussion: """
            Example:
              civgate map record.json --destination population --operation assign-pin
            Exit codes: 0 printed; 64 bad arguments; 65 the record is invalid or cannot be mapped.
            """)

    @Argument(help: "The record, as JSON (a file path, or - for standard input).")
    var record: String

    @Option(help: "Destination name, e.g. population.")
    var destination: String

    @Option(help: "Operation; defaults to the destination's only or first operation.")
    var operation: String?

    func run() async throws {
        guard let adapter = Catalog.adapters().first(where: { $0.destination == destination }) else {
            Output.error(
                "unknown destination '\(destination)'; known: \(Catalog.adapters().map(\.destination).joined(separator: ", "))"
            )
            throw ExitCode(64)
        }
        let chosen = operation ?? adapter.operations.sorted().first!
        guard adapter.operations.contains(chosen) else {
            Output.error("destination '\(destination)' has no operation '\(chosen)'")
            throw ExitCode(64)
        }
        let bytes: Data
        do {
            bytes =
                record == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: record))
        } catch {
            Output.error("cannot read \(record)")
            throw ExitCode(64)
        }
        let intake = RecordIntake(
            validator: try SchemaValidator(
                schema: try JSONValue.parse(ContractFiles.data(ContractFiles.recordSchemaPath))))
        switch intake.accept(bytes) {
        case .failure(.malformed):
            Output.error("\(record) is not JSON")
            throw ExitCode(65)
        case .failure(.unknownEventType):
            Output.error("unknown event type at $.event")
            throw ExitCode(65)
        case .failure(.invalid(let violations)):
            Output.error(
                "the record is invalid: " + violations.map { "\($0.path) \($0.detail)" }.joined(separator: "; "))
            throw ExitCode(65)
        case .success(let accepted):
            let source = accepted.record.source
            let job = DeliveryJob(
                deliveryID: "dlv_preview", record: accepted.record, operation: chosen,
                outboundKey: Identifiers.outboundKey(
                    system: source.system, recordID: source.recordId, version: source.version, destination: destination,
                    operation: chosen),
                attempt: 1)
            switch adapter.prepare(job) {
            case .send(let request):
                FileHandle.standardOutput.write(Data(request.body))
            case .needsData(let fields, let detail):
                Output.error("cannot map: missing \(fields.joined(separator: ", ")) (\(detail))")
                throw ExitCode(65)
            case .unmappable(let code, let detail):
                Output.error("cannot map: \(code): \(detail)")
                throw ExitCode(65)
            case .skip(let reason):
                Output.line("nothing to send: \(reason)")
            }
        }
    }
}
