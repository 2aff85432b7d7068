import CivgateContracts
import CivgateEngine
import CivgateModel
import Foundation
import InsuranceAdapter
import InsuranceMock
import Logging
import ServiceLifecycle
import Testing

/// Records, jobs and settings for the insurance tests; records go through the real intake.
enum InsuranceFixtures {
    /// Golden input records that the shared samples do not have (a death, a correction).
    static let recordsFolder = TestPaths.golden.appendingPathComponent("insurance/records")

    /// The accepted record for `data` (through `intake`, or a fresh one over the shipped schema).
    static func record(_ data: Data, intake: RecordIntake? = nil) throws -> CivilRecord {
        try TestIntake.accept(data, with: try intake ?? TestIntake.make()).record
    }

    /// A shared sample (`KS-2026-000000003.json`) or a golden input record (`death-live.json`).
    static func record(named name: String) throws -> CivilRecord {
        let sample = TestIntake.sample(name)
        let url =
            FileManager.default.fileExists(atPath: sample.path) ? sample : recordsFolder.appendingPathComponent(name)
        return try record(Data(contentsOf: url))
    }

    /// A job as the dispatcher makes it, with the real outbound key and, when given, the assign-pin result.
    static func job(_ record: CivilRecord, _ operation: String, upstreamPIN: String? = nil) -> DeliveryJob {
        DeliveryJob(
            deliveryID: "dlv_test", record: record, operation: operation,
            outboundKey: Identifiers.outboundKey(
                system: record.source.system, recordID: record.source.recordId, version: record.source.version,
                destination: "insurance", operation: operation),
            attempt: 1, upstreamResults: upstreamPIN.map { ["assign-pin": ["pin": $0]] } ?? [:])
    }

    /// A structurally valid PIN for the record's child, as the Population Database would issue it.
    static func pinForChild(of record: CivilRecord, serial: Int) -> String? {
        guard let child = record.subject("child"), let year = child.birthDate?.year else { return nil }
        return PersonalIdentificationNumber(
            provinceCode: "001", sex: child.sex == .female ? .female : .male, birthYear: year, serial: serial)?.digits
    }

    /// `defaultFacility.PPP` for all 34 current provinces (facility `PP000`).
    static let allProvinceDefaults: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "001", "004", "008", "011", "012", "014", "015", "019", "020", "022", "024", "025", "031", "033", "037",
            "038", "040", "042", "044", "046", "048", "051", "052", "056", "066", "068", "075", "079", "080", "082",
            "086", "091", "092", "096",
        ].map { ("defaultFacility.\($0)", String($0.suffix(2)) + "000") })

    /// The request of a prepared job, or a test failure naming why there is none.
    static func request(_ prepared: PreparedRequest, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> OutboundRequest
    {
        switch prepared {
        case .send(let request): return request
        case .needsData(let fields, let detail):
            Issue.record("needs data \(fields): \(detail)", sourceLocation: sourceLocation)
        case .unmappable(let code, let detail):
            Issue.record("unmappable \(code): \(detail)", sourceLocation: sourceLocation)
        case .skip(let reason):
            Issue.record("skipped: \(reason)", sourceLocation: sourceLocation)
        }
        throw NotSent()
    }

    struct NotSent: Error {}

    /// The operations a record is mapped to in the conformance tests (with the PIN assign-pin would give).
    static func operations(for record: CivilRecord, serial: Int) -> [(operation: String, pin: String?)] {
        switch record.event {
        case .birth:
            let pin = record.subject("child")?.pin == nil ? pinForChild(of: record, serial: serial) : nil
            return [("issue-child-card", pin), ("update-participant", pin)]
        case .death:
            return [("report-death", nil)]
        default:
            return [("update-participant", nil)]
        }
    }
}

/// The mock BHXH on a free loopback port in this process, as the gateway harness runs the population mock.
enum InsuranceMockServer {
    static func with<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        var logger = Logger(label: "test-insurance-mock")
        logger.logLevel = .critical
        let (ports, sink) = AsyncStream.makeStream(of: String.self)
        let app = try InsuranceMock.buildApplication(
            host: "127.0.0.1", port: 0, logger: logger,
            onServerRunning: { host, port in sink.yield("http://\(host):\(port)") })
        return try await InProcessGateway.running([app], logger: logger) {
            var baseURL = ""
            for await url in ports {
                baseURL = url
                break
            }
            return try await body(baseURL)
        }
    }

    /// POSTs `request` (as the engine would) to the mock at `baseURL`.
    static func send(_ request: OutboundRequest, to baseURL: String) async throws -> TestHTTP.Reply {
        var headers = request.headers
        headers["Content-Type"] = request.contentType
        return try await TestHTTP.request(.POST, baseURL + request.path, body: Data(request.body), headers: headers)
    }

    /// A reply as the adapter sees it.
    static func destinationReply(_ reply: TestHTTP.Reply) -> DestinationReply {
        DestinationReply(status: reply.status, headers: reply.headers, body: Array(reply.body))
    }
}

/// The component schemas of `contracts/insurance/insurance.openapi.yaml`, checked by the engine's own
/// JSON Schema validator (the YAML is converted with PyYAML, which the contract tools already need).
enum InsuranceOpenAPI {
    static let schemaNames = [
        "issue-child-card": "IssueChildCardRequest", "report-death": "ReportDeathRequest",
        "update-participant": "UpdateParticipantRequest",
    ]

    /// The whole contract as JSON.
    static func document() throws -> JSONValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), sys.stdout)",
            TestPaths.contracts.appendingPathComponent("insurance/insurance.openapi.yaml").path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw RecordGenerator.GeneratorFailed() }
        return try JSONValue.parse(output)
    }

    /// A validator for the request schema of `operation`.
    static func validator(for operation: String, in document: JSONValue) throws -> SchemaValidator {
        let schemas = rewritingReferences(try #require(document["components"]?["schemas"]))
        let name = try #require(schemaNames[operation])
        return try SchemaValidator(schema: .object(["$defs": schemas, "$ref": .string("#/$defs/\(name)")]))
    }

    /// `#/components/schemas/X` → `#/$defs/X`, so the schemas stand alone as a JSON Schema document.
    private static func rewritingReferences(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var rewritten: [String: JSONValue] = [:]
            for (key, member) in members {
                if key == "$ref", let target = member.stringValue {
                    rewritten[key] = .string(target.replacingOccurrences(of: "#/components/schemas/", with: "#/$defs/"))
                } else {
                    rewritten[key] = rewritingReferences(member)
                }
            }
            return .object(rewritten)
        case .array(let items):
            return .array(items.map(rewritingReferences))
        default:
            return value
        }
    }
}
