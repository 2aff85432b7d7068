import Foundation
import GRDB
import Synchronization

/// What one run of an operator command left behind: exit status, stdout, stderr.
struct OperatorCLIResult: Sendable, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    /// stdout parsed as JSON (an array or an object), or nil.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    var jsonArray: [[String: Any]] { json as? [[String: Any]] ?? [] }
    var jsonObject: [String: Any] { json as? [String: Any] ?? [:] }

    /// stderr without its trailing newline.
    var error: String { stderr.trimmingCharacters(in: .whitespacesAndNewlines) }

    var description: String {
        "civgate \(arguments.joined(separator: " ")) → exit \(status)\nstdout: \(stdout.prefix(3000))\nstderr: \(stderr.prefix(2000))"
    }
}

/// Runs the real `civgate` binary to completion, as an operator would from a script: standard input is
/// /dev/null (never a terminal, so no confirmation prompt can hang the test), output is collected.
enum OperatorCLI {
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> OperatorCLIResult {
        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.packageRoot
        var merged = ProcessInfo.processInfo.environment
        merged["COLUMNS"] = "80"
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        // Each pipe is drained to its end on a thread of its own (blocking reads stay off the task pool).
        let out = Drained(stdout.fileHandleForReading)
        let err = Drained(stderr.fileHandleForReading)
        try process.run()
        do {
            try await waitUntil(timeout: timeout, "civgate \(arguments.joined(separator: " ")) to finish") {
                !process.isRunning && out.isDone && err.isDone
            }
        } catch {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw error
        }
        return OperatorCLIResult(
            arguments: arguments, status: process.terminationStatus, stdout: out.text, stderr: err.text)
    }

    /// Everything a pipe delivers until its writer closes it.
    private final class Drained: Sendable {
        private let state = Mutex<(data: Data, done: Bool)>((Data(), false))

        init(_ handle: FileHandle) {
            let thread = Thread { [self] in
                let data = handle.readDataToEndOfFile()
                state.withLock { $0 = (data, true) }
            }
            thread.start()
        }

        var isDone: Bool { state.withLock { $0.done } }
        var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }
    }
}

/// A generated birth record as posted, with what the gateway answered.
struct OperatorCLIBirth: Sendable {
    var key: String
    var recordID: String
    var sourceRecordID: String
    var childName: String
    var motherPIN: String?
    /// Delivery id per destination.
    var deliveries: [String: String]
}

/// The operator's world, all real: a temporary store and config, `civgate mock population` and (when
/// asked) `civgate mock insurance` as their own processes on free ports, and `civgate serve` pointed at
/// them. The insurance mock starts with a fault profile that answers every request 503 (the outage).
final class OperatorCLIStage: @unchecked Sendable {
    // @unchecked: used from one test task at a time.
    let directory: URL
    let config: String
    let population: RunningProcess
    let populationURL: String
    let insurance: RunningProcess?
    let insuranceURL: String?
    private(set) var server: RunningProcess?
    let serverURL: String
    private(set) var births: [OperatorCLIBirth] = []

    static let failEverything = Data(#"{"errorRates":[{"status":503,"rate":1.0,"retryAfterSeconds":1}]}"#.utf8)

    /// Starts the mocks and the gateway. With `insurance`, births go population assign-pin → insurance
    /// issue-child-card (dependsOn assign-pin) and the insurance destination is down from the start.
    static func start(insurance withInsurance: Bool, label: String) async throws -> OperatorCLIStage {
        let directory = TestPaths.temporaryDirectory("opcli-\(label)")
        let population = try RunningProcess(["mock", "population", "--port", "0"])
        let populationURL = try await population.listeningURL("mock population listening on")
        var insurance: RunningProcess?
        var insuranceURL: String?
        if withInsurance {
            let mock = try RunningProcess(["mock", "insurance", "--port", "0"])
            let url = try await mock.listeningURL("mock insurance listening on")
            let put = try await TestHTTP.request(
                .PUT, url + "/_mock/faults", body: failEverything, headers: ["Content-Type": "application/json"])
            guard (200..<300).contains(put.status) else {
                throw StageFailure(what: "PUT /_mock/faults on the insurance mock answered \(put.status): \(put.text)")
            }
            insurance = mock
            insuranceURL = url
        }
        let config = directory.appendingPathComponent("civgate.yaml")
        try yaml(dataDir: directory.path, withInsurance: withInsurance).write(
            to: config, atomically: true, encoding: .utf8)
        var arguments = ["serve", "--config", config.path, "--destination", "population=\(populationURL)"]
        if let insuranceURL { arguments += ["--destination", "insurance=\(insuranceURL)"] }
        let server = try RunningProcess(arguments)
        let serverURL = try await server.listeningURL("civgate listening on")
        return OperatorCLIStage(
            directory: directory, config: config.path, population: population, populationURL: populationURL,
            insurance: insurance, insuranceURL: insuranceURL, server: server,
            serverURL: serverURL)
    }

    private init(
        directory: URL, config: String, population: RunningProcess, populationURL: String, insurance: RunningProcess?,
        insuranceURL: String?, server: RunningProcess, serverURL: String
    ) {
        self.directory = directory
        self.config = config
        self.population = population
        self.populationURL = populationURL
        self.insurance = insurance
        self.insuranceURL = insuranceURL
        self.server = server
        self.serverURL = serverURL
    }

    /// The configuration `serve` and every operator command read: fast dead-lettering, fast polling. The
    /// breaker never opens here: an open breaker holds deliveries back (pending, not dead) for `openFor`,
    /// which is what production wants and not what this outage drill needs.
    static func yaml(dataDir: String, withInsurance: Bool) -> String {
        var text = """
            server: { host: 127.0.0.1, port: 0 }
            store: { dataDir: "\(dataDir)", busyTimeout: 10s }
            dispatcher: { pollInterval: 250ms, lease: 60s, shutdownGrace: 2s }
            destinations:
              population:
                workers: 8
                connectTimeout: 300ms
                requestTimeout: 5s
                retry: { baseDelay: 10ms, maxDelay: 50ms, maxAttempts: 2, maxAge: 1h }
                breaker: { consecutiveFailures: 1000000, window: 1000000 }

            """
        if withInsurance {
            text += """
                  insurance:
                    workers: 8
                    connectTimeout: 300ms
                    requestTimeout: 5s
                    retry: { baseDelay: 10ms, maxDelay: 50ms, maxAttempts: 2, maxAge: 1h }
                    breaker: { consecutiveFailures: 1000000, window: 1000000 }
                    settings:
                      defaultFacility.001: "01001"
                      defaultFacility.079: "79034"
                      defaultFacility.048: "48017"
                      defaultFacility.066: "66010"
                      defaultFacility.052: "52001"
                      defaultFacility.034: "34001"
                      defaultFacility.020: "20001"
                      defaultFacility.027: "27001"
                routes:
                  birth:
                    - { destination: population, operation: assign-pin }
                    - { destination: insurance, operation: issue-child-card, dependsOn: assign-pin }

                """
        } else {
            text += """
                routes:
                  birth:
                    - { destination: population, operation: assign-pin }

                """
        }
        text += "mocks: { embedded: [] }\n"
        return text
    }

    /// Posts the live births among the first `count` generated records, each with its own key.
    @discardableResult
    func postBirths(count: Int, seed: Int) async throws -> [OperatorCLIBirth] {
        let lines = try RecordGenerator.lines(event: "birth", count: count, seed: seed, mix: "live")
        for (index, line) in lines.enumerated() {
            let key = "opcli-\(seed)-\(index)"
            let reply = try await TestHTTP.postRecord(serverURL, line, key: key)
            guard reply.status == 202, let id = reply.json["id"] as? String else {
                throw StageFailure(what: "POST /v1/records answered \(reply.status): \(reply.text)")
            }
            var deliveries: [String: String] = [:]
            for delivery in reply.json["deliveries"] as? [[String: Any]] ?? [] {
                if let destination = delivery["destination"] as? String, let id = delivery["id"] as? String {
                    deliveries[destination] = id
                }
            }
            let record = try JSONSerialization.jsonObject(with: line) as? [String: Any] ?? [:]
            let subjects = record["subjects"] as? [[String: Any]] ?? []
            func subject(_ role: String) -> [String: Any]? { subjects.first { $0["role"] as? String == role } }
            let childName = ((subject("child")?["name"] as? [String: Any])?["full"] as? String) ?? ""
            let source = record["source"] as? [String: Any] ?? [:]
            births.append(
                OperatorCLIBirth(
                    key: key, recordID: id, sourceRecordID: source["recordId"] as? String ?? "",
                    childName: childName.precomposedStringWithCanonicalMapping,
                    motherPIN: subject("mother")?["pin"] as? String, deliveries: deliveries))
        }
        return births
    }

    /// Runs an operator command against this stage's configuration (`--config` appended).
    func cli(_ arguments: [String], environment: [String: String] = [:]) async throws -> OperatorCLIResult {
        try await OperatorCLI.run(arguments + ["--config", config], environment: environment)
    }

    /// A second connection to the store, for counting what the gateway wrote (read only by the test).
    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("civgate.sqlite").path)
        return try queue.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// One text column of one row, e.g. a delivery's stored result.
    func text(_ sql: String, _ arguments: StatementArguments = []) throws -> String? {
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("civgate.sqlite").path)
        return try queue.read { db in try String.fetchOne(db, sql: sql, arguments: arguments) }
    }

    /// Deliveries still on their way (not settled in a final or parked state).
    func unsettled() throws -> Int {
        try count("SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'in_flight', 'retrying', 'waiting')")
    }

    /// What an operator would look at when a wait times out: deliveries by destination and state, the
    /// server's stderr.
    func diagnostics() -> String {
        let queue = try? DatabaseQueue(path: directory.appendingPathComponent("civgate.sqlite").path)
        let rows =
            (try? queue?.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT destination, state, last_error_code, COUNT(*) AS n FROM deliveries GROUP BY 1, 2, 3")
            }) ?? []
        let counts = rows.map {
            "\($0["destination"] as String? ?? "?") \($0["state"] as String? ?? "?") \($0["last_error_code"] as String? ?? "-"): \($0["n"] as Int? ?? 0)"
        }
        return
            "deliveries: \(counts.joined(separator: "; "))\nserve stderr: \(server?.stderr.suffix(3000) ?? "(stopped)")"
    }

    /// Waits until every delivery is settled, with the diagnostics in the failure.
    func waitUntilSettled(timeout: Duration = .seconds(30)) async throws {
        do {
            try await waitUntil(timeout: timeout, "every delivery settled") { try unsettled() == 0 }
        } catch {
            throw StageFailure(what: "\(error)\n\(diagnostics())")
        }
    }

    /// The insurance destination comes back: its fault profile is cleared.
    func endInsuranceOutage() async throws {
        guard let insuranceURL else { return }
        let cleared = try await TestHTTP.request(.DELETE, insuranceURL + "/_mock/faults")
        guard (200..<300).contains(cleared.status) else {
            throw StageFailure(what: "DELETE /_mock/faults: \(cleared.status)")
        }
    }

    /// `GET URL` as JSON (any shape).
    static func json(_ url: String) async throws -> Any {
        try JSONSerialization.jsonObject(with: try await TestHTTP.get(url).body)
    }

    /// SIGTERM to `civgate serve`; returns its exit status.
    func stopServer() async throws -> Int32 {
        guard let server else { return 0 }
        server.signal(SIGTERM)
        let status = try await server.exitStatus()
        self.server = nil
        return status
    }

    /// Stops whatever still runs (the mocks; the server if a test left it running) and removes the
    /// temporary store and configuration.
    func stopAll() async {
        for process in [server, insurance, population].compactMap({ $0 }) where process.process.isRunning {
            process.signal(SIGTERM)
            _ = try? await process.exitStatus(timeout: .seconds(10))
        }
        try? FileManager.default.removeItem(at: directory)
    }

    struct StageFailure: Error, CustomStringConvertible {
        var what: String
        var description: String { what }
    }
}

/// The CLI's masking rule for names, restated: the first letter of each word and an ellipsis.
func operatorCLIMaskedName(_ name: String) -> String {
    name.split(separator: " ").map { "\($0.prefix(1))…" }.joined(separator: " ")
}

/// The CLI's masking rule for PINs, restated: province digits, bullets, the last two digits.
func operatorCLIMaskedPIN(_ pin: String) -> String {
    pin.prefix(3) + String(repeating: "•", count: pin.count - 5) + pin.suffix(2)
}
