import CivgateContracts
import Foundation
import Testing

/// Proves the contract files with complete third-party validators, run as the CI runs them: the record
/// schema (jsonschema, draft 2020-12, ECMA `$`) passes every sample, valid fixture and 1,000 generated
/// records and rejects every invalid fixture for the expected reason; the OpenAPI document is valid
/// and its examples and the record fixtures agree with it. A missing validator (python3-jsonschema,
/// openapi-spec-validator) fails these tests: it is never a reason to skip them.
@Suite("Contract files (third-party validators)")
struct ContractFilesTests {
    /// What a tool printed (stdout and stderr together) and how it exited.
    struct ToolRun {
        var status: Int32
        var output: String
    }

    /// Runs `python3 arguments…` from the package root.
    static func python(_ arguments: [String]) throws -> ToolRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = TestPaths.packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }

    static var validFixtures: URL { TestPaths.fixtures.appendingPathComponent("valid") }
    static var invalidFixtures: URL { TestPaths.fixtures.appendingPathComponent("invalid") }

    @Test(
        "record.schema.json: samples, valid fixtures and 1,000 generated records valid; invalid fixtures rejected",
        .timeLimit(.minutes(2)))
    func recordSchema() throws {
        let run = try Self.python([
            "Tests/tools/check_record_schema.py", "contracts/records/record.schema.json",
            TestPaths.samples.path, Self.validFixtures.path,
            "--generate", "--seeds", "1", "--mixes", "all", "--count", "1000", "--generator", TestPaths.generator.path,
            "--invalid", Self.invalidFixtures.path,
        ])
        #expect(run.status == 0, "check_record_schema.py failed:\n\(run.output)")
        let lines = run.output.split(separator: "\n").map(String.init)
        let mustBeValid =
            TestPaths.jsonFiles(in: TestPaths.samples).count + TestPaths.jsonFiles(in: Self.validFixtures).count + 1000
        let mustBeRejected = TestPaths.jsonFiles(in: Self.invalidFixtures).count
        #expect(mustBeValid >= 1020)
        #expect(lines.contains("schema: draft 2020-12 ok, subset lint: 0 problem(s)"), "\(run.output)")
        #expect(lines.contains("\(mustBeValid) valid, 0 invalid"), "\(run.output)")
        #expect(lines.contains("\(mustBeRejected) rejected, 0 accepted"), "\(run.output)")
        #expect(
            !run.output.contains("WRONG REASON") && !run.output.contains("MORE THAN ONE")
                && !run.output.contains("MISSING"))
    }

    @Test(
        "openapi.yaml: valid OpenAPI 3.1, examples valid, record fixtures agree with the request body",
        .timeLimit(.minutes(1)))
    func openAPI() throws {
        let run = try Self.python([
            "Tests/tools/check_openapi.py", "contracts/api/openapi.yaml",
            "--valid-dir", TestPaths.samples.path, "--valid-dir", Self.validFixtures.path,
            "--invalid-dir", Self.invalidFixtures.path,
        ])
        #expect(run.status == 0, "check_openapi.py failed:\n\(run.output)")
        let valid = TestPaths.jsonFiles(in: TestPaths.samples).count + TestPaths.jsonFiles(in: Self.validFixtures).count
        let invalid = TestPaths.jsonFiles(in: Self.invalidFixtures).count
        #expect(run.output.contains("is valid OpenAPI 3.1"), "\(run.output)")
        #expect(
            run.output.contains("external schema ../records/record.schema.json: valid draft 2020-12 schema"),
            "\(run.output)")
        #expect(
            run.output.range(of: #"examples: [1-9][0-9]* checked, 0 failure\(s\)"#, options: .regularExpression) != nil,
            "\(run.output)")
        #expect(run.output.contains("valid fixtures: \(valid) as expected, 0 not"), "\(run.output)")
        #expect(run.output.contains("invalid fixtures: \(invalid) as expected, 0 not"), "\(run.output)")
    }

    @Test("the contract files shipped as resources are the files in contracts/")
    func bundledContractsAreCurrent() throws {
        for path in [ContractFiles.recordSchemaPath, ContractFiles.populationSchemaPath, "api/openapi.yaml"] {
            let source = try Data(contentsOf: TestPaths.contracts.appendingPathComponent(path))
            #expect(ContractFiles.data(path) == source, "bundled \(path) differs from contracts/\(path)")
        }
    }
}
