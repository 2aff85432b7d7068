import Foundation
import GRDB
import NIOHTTP1
import Synchronization

/// A value shared between tasks and handlers, behind a lock.
final class ResilienceBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    @discardableResult
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { value -> T in body(&value) } }
}

// Support for the resilience suites: the real `civgate` binary and the two mocks as separate processes
// (so the mocks outlive civgate's kills), a temporary configuration file, the SQLite file read from
// outside, and a seeded random source for the moments of chaos.

/// A child process of the real `civgate` binary. Unlike `RunningProcess`, it stops reading a pipe at
/// end of file (a killed process must not leave a readability handler spinning on a closed pipe) and
/// keeps only the tail of stderr.
final class ResilienceProcess: @unchecked Sendable {
    // @unchecked: `process` is started in init and only signalled afterwards; output goes through Mutexes.
    private let process = Process()
    private let output = ResilienceBox("")
    private let errors = ResilienceBox("")
    let label: String

    init(_ arguments: [String], label: String) throws {
        self.label = label
        process.executableURL = TestPaths.binary
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["CIVGATE_LOG_LEVEL"] = environment["CIVGATE_LOG_LEVEL"] ?? "warning"
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        stdout.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            output.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        stderr.fileHandleForReading.readabilityHandler = { [errors] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            errors.withLock { text in
                text += String(decoding: data, as: UTF8.self)
                if text.utf8.count > 64_000 { text = String(text.suffix(32_000)) }
            }
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { output.value }
    var stderrTail: String { String(errors.value.suffix(2000)) }

    /// The URL at the end of the first stdout line starting with `prefix` ("… listening on http://…").
    func listeningURL(_ prefix: String, timeout: Duration = .seconds(30)) async throws -> String {
        var found: String?
        try await waitUntil(timeout: timeout, "\(label): a line starting with '\(prefix)'") {
            found = stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
            return found != nil || !process.isRunning
        }
        guard let found, let url = found.split(separator: " ").last else {
            throw TimedOut(what: "\(label): '\(prefix)' (process exited: \(stderrTail))")
        }
        return String(url)
    }

    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Waits for the process to end and returns its exit status.
    func exitStatus(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await waitUntil(timeout: timeout, "\(label) to exit") { !process.isRunning }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A mock national system (`civgate mock NAME --port 0`) in its own process.
struct ResilienceMock: Sendable {
    let name: String
    let url: String
    let process: ResilienceProcess

    static func start(_ name: String) async throws -> ResilienceMock {
        let process = try ResilienceProcess(["mock", name, "--port", "0"], label: "mock \(name)")
        let url = try await process.listeningURL("mock \(name) listening on")
        return ResilienceMock(name: name, url: url, process: process)
    }

    /// `PUT /_mock/faults` with a JSON profile; the mock must accept it.
    func setFaults(_ profile: String) async throws {
        let reply = try await TestHTTP.request(
            .PUT, url + "/_mock/faults", body: Data(profile.utf8), headers: ["Content-Type": "application/json"])
        guard reply.status == 200 else { throw MockRefused(name: name, status: reply.status, body: reply.text) }
    }

    /// `DELETE /_mock/faults`: no faults from now on.
    func clearFaults() async throws {
        let reply = try await TestHTTP.request(.DELETE, url + "/_mock/faults")
        guard (200..<300).contains(reply.status) else {
            throw MockRefused(name: name, status: reply.status, body: reply.text)
        }
    }

    /// `GET /_mock/faults`: the profile and the counters.
    func faultSnapshot() async throws -> [String: Any] {
        try await TestHTTP.get(url + "/_mock/faults").json
    }

    /// `GET /_mock/effects`: effects per idempotency key.
    func effects() async throws -> [String: Int] {
        let json = try await TestHTTP.get(url + "/_mock/effects").json
        return json.compactMapValues { $0 as? Int }
    }

    /// `GET /_mock/requests`: every request that reached the handler, in order.
    func requests() async throws -> [[String: Any]] {
        let reply = try await TestHTTP.get(url + "/_mock/requests")
        return (try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]]) ?? []
    }

    func stop() async {
        process.signal(SIGTERM)
        if (try? await process.exitStatus(timeout: .seconds(10))) == nil { process.signal(SIGKILL) }
    }

    struct MockRefused: Error, CustomStringConvertible {
        var name: String
        var status: Int
        var body: String
        var description: String { "mock \(name) answered \(status): \(body)" }
    }
}

/// `civgate serve` in its own process over one data directory, which can be killed and started again.
actor ResilienceGateway {
    let configPath: String
    let dataDirectory: URL
    let destinations: [String: String]
    private var process: ResilienceProcess?
    /// The base URL while the process runs and listens; `nil` while it is down.
    private(set) var url: String?
    private(set) var starts = 0
    private(set) var kills = 0

    init(configPath: String, dataDirectory: URL, destinations: [String: String]) {
        self.configPath = configPath
        self.dataDirectory = dataDirectory
        self.destinations = destinations
    }

    /// Starts the gateway and waits for "civgate listening on …"; returns its base URL.
    @discardableResult
    func start() async throws -> String {
        var arguments = [
            "serve", "--config", configPath, "--port", "0", "--data-dir", dataDirectory.path, "--no-mocks",
        ]
        for (name, url) in destinations.sorted(by: { $0.key < $1.key }) {
            arguments += ["--destination", "\(name)=\(url)"]
        }
        let started = try ResilienceProcess(arguments, label: "civgate serve #\(starts + 1)")
        process = started
        starts += 1
        let listening = try await started.listeningURL("civgate listening on")
        url = listening
        return listening
    }

    /// `kill -9`: no shutdown, no lease release, nothing flushed but what was already committed.
    func kill9() async throws {
        guard let process else { return }
        url = nil
        process.signal(SIGKILL)
        _ = try await process.exitStatus(timeout: .seconds(10))
        self.process = nil
        kills += 1
    }

    /// SIGTERM and the exit status (graceful stop).
    @discardableResult
    func stop() async throws -> Int32 {
        guard let process else { return 0 }
        url = nil
        process.signal(SIGTERM)
        let status = try await process.exitStatus(timeout: .seconds(20))
        self.process = nil
        return status
    }

    var stderrTail: String { process?.stderrTail ?? "" }

    /// The base URL, waiting (bounded) while civgate is down between a kill and its restart.
    nonisolated func waitForURL(until deadline: ContinuousClock.Instant) async throws -> String {
        var found: String?
        try await waitUntil(timeout: deadline - ContinuousClock.now, "civgate to listen again") {
            found = await self.url
            return found != nil
        }
        return found!
    }

    /// The SQLite file of the store.
    nonisolated var databasePath: String { dataDirectory.appendingPathComponent("civgate.sqlite").path }
}

/// A temporary `civgate.yaml` for the resilience suites: short lease, fast retries and breaker, both
/// destinations, the default routes (no `routes` key).
enum ResilienceConfig {
    struct Destination {
        var workers = 4
        var connectTimeout = "1s"
        var requestTimeout = "3s"
        var retry = "{ baseDelay: 20ms, maxDelay: 200ms, maxAttempts: 1000, maxAge: 1h }"
        var breaker = "{ openFor: 200ms }"
        /// Requests a second (`0`: no limit).
        var rateLimit = 0.0
    }

    /// Writes the configuration into `directory/civgate.yaml` and returns its path.
    static func write(
        in directory: URL, dataDirectory: URL, busyTimeout: String = "5s", lease: String = "2s",
        population: Destination = Destination(), insurance: Destination = Destination()
    ) throws -> String {
        func destination(_ name: String, _ settings: Destination, extra: String = "") -> String {
            """
              \(name):
                workers: \(settings.workers)
                connectTimeout: \(settings.connectTimeout)
                requestTimeout: \(settings.requestTimeout)
                retry: \(settings.retry)
                breaker: \(settings.breaker)
                rateLimit: \(settings.rateLimit)
            \(extra)
            """
        }
        // The insurance adapter needs a default initial-care facility for births outside a hospital.
        let facilities = """
                settings:
                  defaultFacility.001: "01001"
                  defaultFacility.079: "79034"
                  defaultFacility.048: "48017"
                  defaultFacility.066: "66010"
                  defaultFacility.052: "52001"
                  defaultFacility.034: "34001"
                  defaultFacility.020: "20001"
                  defaultFacility.027: "27001"
            """
        let yaml = """
            server:
              host: 127.0.0.1
              port: 0
            store:
              dataDir: "\(dataDirectory.path)"
              busyTimeout: \(busyTimeout)
            dispatcher:
              lease: \(lease)
              pollInterval: 50ms
              shutdownGrace: 1s
            destinations:
            \(destination("population", population))
            \(destination("insurance", insurance, extra: facilities))
            """
        let path = directory.appendingPathComponent("civgate.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// The store's SQLite file, read from outside the gateway (a second connection, as an operator would).
struct ResilienceDatabase: Sendable {
    let path: String

    func count(_ table: String, where condition: String = "1") throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)") ?? 0 }
    }

    /// Deliveries per state.
    func deliveryStates() throws -> [String: Int] {
        try read { db in
            var states: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state") {
                states[row["state"]] = row["n"]
            }
            return states
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read(body)
    }
}

/// Record documents built from generated ones (JSON objects edited in place).
enum ResilienceRecords {
    static func object(_ line: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw RecordGenerator.GeneratorFailed()
        }
        return object
    }

    static func data(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// A marriage registered on `marriedOn` and the later death of its husband, registered on
    /// `registeredDeathOn`: two events of one person (the husband's PIN), with fresh record ids.
    static func marriageThenDeath(
        marriage marriageLine: Data, death deathLine: Data, marriedOn: String, diedOn: String, registeredDeathOn: String
    ) throws -> (marriage: Data, death: Data, pin: String) {
        var marriage = try object(marriageLine)
        var registration = marriage["registration"] as! [String: Any]
        registration["date"] = marriedOn
        marriage["registration"] = registration
        var approval = marriage["approval"] as! [String: Any]
        approval["at"] = "\(marriedOn)T14:00:00+07:00"
        marriage["approval"] = approval
        let husband = (marriage["subjects"] as! [[String: Any]]).first { $0["role"] as? String == "husband" }!

        var death = try object(deathLine)
        var deceased = (death["subjects"] as! [[String: Any]])[0]
        for field in ["pin", "name", "sex", "birthDate", "ethnicity", "nationality"] {
            deceased[field] = husband[field]
        }
        var event = deceased["death"] as! [String: Any]
        event["at"] = "\(diedOn)T08:30:00+07:00"
        deceased["death"] = event
        death["subjects"] = [deceased]
        var deathRegistration = death["registration"] as! [String: Any]
        deathRegistration["date"] = registeredDeathOn
        death["registration"] = deathRegistration
        var deathApproval = death["approval"] as! [String: Any]
        deathApproval["at"] = "\(registeredDeathOn)T10:00:00+07:00"
        death["approval"] = deathApproval
        return (try data(marriage), try data(death), husband["pin"] as! String)
    }
}

/// Posts a record until civgate acknowledges it, through kills and restarts, always with the same key.
enum ResilienceClient {
    struct Acknowledged: Sendable {
        var id: String
        /// Tries that got no answer (civgate down or killed mid-request) or a retryable answer.
        var retries: Int
        /// Whether the acknowledgement was a replay of an earlier, unseen answer (`Idempotent-Replayed`).
        var replayed: Bool
    }

    struct Refused: Error, CustomStringConvertible {
        var key: String
        var status: Int
        var body: String
        var description: String { "POST with key \(key) answered \(status): \(body)" }
    }

    static func postUntilAcknowledged(
        _ body: Data, key: String, gateway: ResilienceGateway, deadline: ContinuousClock.Instant
    ) async throws -> Acknowledged {
        var retries = 0
        while ContinuousClock.now < deadline {
            let url = try await gateway.waitForURL(until: deadline)
            let reply: TestHTTP.Reply
            do {
                reply = try await TestHTTP.postRecord(url, body, key: key)
            } catch {
                retries += 1  // no answer: killed, refused or reset; the same key goes again
                continue
            }
            switch reply.status {
            case 202:
                guard let id = reply.json["id"] as? String else {
                    throw Refused(key: key, status: 202, body: reply.text)
                }
                return Acknowledged(id: id, retries: retries, replayed: reply.headers["idempotent-replayed"] == "true")
            case 409, 500, 502, 503, 504:
                retries += 1
            default:
                throw Refused(key: key, status: reply.status, body: reply.text)
            }
        }
        throw TimedOut(what: "an acknowledgement for key \(key)")
    }
}

/// An operator command of the real binary, run to completion.
enum ResilienceCLI {
    /// Runs `civgate ARGUMENTS` and returns its exit status and stdout.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> (
        status: Int32, stdout: String
    ) {
        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.packageRoot
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read to the end first (the pipe must not fill up), off the cooperative pool: it blocks.
        let reading = Task.detached { stdout.fileHandleForReading.readDataToEndOfFile() }
        try await waitUntil(timeout: timeout, "civgate \(arguments.joined(separator: " ")) to exit") {
            !process.isRunning
        }
        let data = await reading.value
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
