import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MockFaults
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing

@Suite("MockFaults: fault profiles applied to a real server")
struct MockFaultsTests {
    @Test(
        "an error rate of 1 answers every request with that status and Retry-After",
        arguments: [(503, 2, "2"), (429, 7, "7"), (429, nil, "1"), (500, nil, nil), (502, nil, nil)]
            as [(Int, Int?, String?)])
    func errorRates(status: Int, retryAfter: Int?, expectedRetryAfter: String?) async throws {
        let profile = FaultProfile(errorRates: [.init(status: status, rate: 1, retryAfterSeconds: retryAfter)])
        try await FaultTestServer.with(profile) { server in
            for _ in 0..<5 {
                let outcome = await server.send(.POST, "/work", body: "x")
                #expect(outcome == .answered(status: status, retryAfter: expectedRetryAfter))
            }
            #expect(server.handlerRuns == 0)
            #expect(await server.send(.GET, "/healthz") == .answered(status: 200, retryAfter: nil))
            #expect(server.injector.counters.errors == [String(status): 5])
        }
    }

    @Test("the same seed gives the same fault sequence over 200 sequential requests")
    func sameSeedSameSequence() async throws {
        let profile = FaultProfile(seed: 20_250_701, errorRates: [.init(status: 503, rate: 0.3)])
        try await FaultTestServer.with(profile) { server in
            var runs: [[Int]] = []
            for _ in 0..<2 {
                // PUT restarts the numbering, as a test setting its profile would.
                try await server.setProfile(profile)
                var statuses: [Int] = []
                for _ in 0..<200 {
                    guard case .answered(let status, _) = await server.send(.GET, "/work") else {
                        Issue.record("connection failed")
                        return
                    }
                    statuses.append(status)
                }
                runs.append(statuses)
            }
            #expect(runs[0] == runs[1])
            let predicted = (0..<200).map { index -> Int in
                if case .error(let status, _) = profile.decision(forRequest: index).action { return status }
                return 200
            }
            #expect(runs[0] == predicted)
            let injected = runs[0].filter { $0 == 503 }.count
            #expect((30...90).contains(injected), "about 30% of 200, got \(injected)")
        }
        var other = profile
        other.seed += 1
        #expect(
            (0..<200).map { profile.decision(forRequest: $0) } != (0..<200).map { other.decision(forRequest: $0) })
    }

    @Test("reset: the client sees a connection error, no HTTP status, and the handler did not run")
    func reset() async throws {
        try await FaultTestServer.with { server in
            // A first exchange leaves a pooled keep-alive connection, so the reset hits a reused one.
            #expect(await server.send(.POST, "/work", body: "x") == .answered(status: 200, retryAfter: nil))
            try await server.setProfile(FaultProfile(resetRate: 1))
            let outcome = await server.send(.POST, "/work", body: "x")
            #expect(outcome.isConnectionError, "got \(outcome)")
            #expect(server.handlerRuns == 1)
            #expect(server.injector.counters.resets == 1)
            #expect(await server.send(.GET, "/healthz") == .answered(status: 200, retryAfter: nil))
        }
    }

    @Test("drop reply: the client sees a connection error and the handler ran exactly once")
    func dropReply() async throws {
        try await FaultTestServer.with { server in
            #expect(await server.send(.POST, "/work", body: "x") == .answered(status: 200, retryAfter: nil))
            try await server.setProfile(FaultProfile(dropReplyRate: 1))
            let outcome = await server.send(.POST, "/work", body: "x")
            #expect(outcome.isConnectionError, "got \(outcome)")
            // Exactly one more run: the effect happened once and the client did not silently retry.
            #expect(server.handlerRuns == 2)
            #expect(server.injector.counters.droppedReplies == 1)
            #expect(await server.send(.DELETE, "/_mock/faults") == .answered(status: 200, retryAfter: nil))
            #expect(await server.send(.POST, "/work", body: "x") == .answered(status: 200, retryAfter: nil))
            #expect(server.handlerRuns == 3)
        }
    }

    @Test("black hole: the request times out on the client while /healthz still answers")
    func blackHole() async throws {
        try await FaultTestServer.with(FaultProfile(blackHoleRate: 1)) { server in
            async let held = server.send(.POST, "/work", body: "x", timeout: .milliseconds(300))
            try await waitUntil(timeout: .seconds(10), "the black hole") { server.injector.counters.blackHoles == 1 }
            #expect(await server.send(.GET, "/healthz") == .answered(status: 200, retryAfter: nil))
            let outcome = await held
            #expect(outcome.isConnectionError, "got \(outcome)")
            #expect(server.handlerRuns == 0)
        }
    }

    @Test("black hole: a held connection does not hold up a graceful shutdown")
    func blackHoleEndsOnShutdown() async throws {
        let server = try await FaultTestServer.start(FaultProfile(blackHoleRate: 1))
        let held = Task { await server.send(.POST, "/work", body: "x", timeout: .seconds(60)) }
        try await waitUntil(timeout: .seconds(10), "the black hole") { server.injector.counters.blackHoles == 1 }
        let clock = ContinuousClock()
        let shutdown = try await clock.measure { try await server.stop() }
        #expect(shutdown < .seconds(10), "shutdown took \(shutdown)")
        let outcome = await held.value
        #expect(outcome.isConnectionError, "got \(outcome)")
    }

    @Test("black hole: the connection is closed, still unanswered, after the maximum hold")
    func blackHoleMaxHold() async throws {
        try await FaultTestServer.with(FaultProfile(blackHoleRate: 1, blackHoleMaxHoldSeconds: 0.2)) { server in
            let outcome = await server.send(.GET, "/work", timeout: .seconds(20))
            guard case .failed(let error) = outcome else {
                Issue.record("expected a connection error, got \(outcome)")
                return
            }
            #expect(!error.contains("deadlineExceeded"), "the server, not the client deadline, should end the hold")
        }
    }

    @Test("fixed latency of 50 ms: every response takes at least 50 ms")
    func fixedLatency() async throws {
        try await FaultTestServer.with(FaultProfile(latency: .fixed(milliseconds: 50))) { server in
            let clock = ContinuousClock()
            for _ in 0..<3 {
                var outcome: Outcome?
                let elapsed = await clock.measure { outcome = await server.send(.GET, "/work") }
                #expect(outcome == .answered(status: 200, retryAfter: nil))
                #expect(elapsed >= .milliseconds(50), "took \(elapsed)")
            }
            #expect(server.injector.counters.delayed == 3)
        }
    }

    @Test("an outage of 3 requests answers exactly requests 1 to 3 with 503 and Retry-After")
    func outageByCount() async throws {
        try await FaultTestServer.with(FaultProfile(outages: [.requests(3)])) { server in
            var outcomes: [Outcome] = []
            for _ in 0..<6 { outcomes.append(await server.send(.POST, "/work", body: "x")) }
            let outage = Outcome.answered(status: 503, retryAfter: "1")
            let normal = Outcome.answered(status: 200, retryAfter: nil)
            #expect(outcomes == [outage, outage, outage, normal, normal, normal])
            #expect(server.handlerRuns == 3)
        }
    }

    @Test("a time-window outage answers 503 with the seconds left as Retry-After")
    func outageByTime() async throws {
        // A long window: under a loaded test run the first request may come seconds after the profile is set.
        try await FaultTestServer.with(FaultProfile(outages: [.seconds(600)])) { server in
            let outcome = await server.send(.GET, "/work")
            guard case .answered(503, let retryAfter?) = outcome, let seconds = Int(retryAfter) else {
                Issue.record("expected 503 with Retry-After, got \(outcome)")
                return
            }
            #expect((1...600).contains(seconds))
        }
    }

    @Test(
        "PUT /_mock/faults refuses an invalid profile with 400 and the reason",
        arguments: [
            ("{not json", "invalidJSON", "not valid JSON"),
            (#"{"errorRate": [{"status": 503, "rate": 1}]}"#, "unknownField", "errorRate: unknown field"),
            (#"{"errorRates": [{"status": 503, "rate": 1.5}]}"#, "invalidValue", "errorRates[0].rate"),
            (#"{"errorRates": [{"status": 404, "rate": 0.5}]}"#, "invalidValue", "errorRates[0].status"),
            (#"{"resetRate": 0.6, "dropReplyRate": 0.6}"#, "invalidValue", "more than 1"),
            (#"{"latency": {"distribution": "gaussian"}}"#, "invalidValue", "latency.distribution"),
            (#"{"outages": [{"requests": 3, "durationSeconds": 5}]}"#, "invalidValue", "outages[0]"),
            (#"{"seed": "abc"}"#, "invalidJSON", "seed: expected an integer"),
        ])
    func putInvalid(body: String, code: String, fragment: String) async throws {
        try await FaultTestServer.with { server in
            let reply = try await server.raw(.PUT, "/_mock/faults", body: body)
            #expect(reply.status == 400)
            let json = try JSONSerialization.jsonObject(with: reply.body) as? [String: String]
            #expect(json?["code"] == code)
            let message = json?["error"] ?? ""
            #expect(message.contains(fragment), "message: \(message)")
            #expect(server.injector.profile == .none)
        }
    }

    @Test("GET /_mock/faults shows the profile and counters; control and health paths are not counted")
    func countersVisible() async throws {
        let profile = FaultProfile(seed: 3, errorRates: [.init(status: 502, rate: 0.5)])
        try await FaultTestServer.with(profile) { server in
            for _ in 0..<20 { _ = await server.send(.GET, "/work") }
            _ = await server.send(.GET, "/healthz")
            let reply = try await server.raw(.GET, "/_mock/faults")
            #expect(reply.status == 200)
            let snapshot = try JSONDecoder().decode(FaultSnapshot.self, from: reply.body)
            #expect(snapshot.profile == profile)
            #expect(snapshot.counters.requests == 20)
            #expect(snapshot.counters.passed + (snapshot.counters.errors["502"] ?? 0) == 20)
            #expect(snapshot.counters.passed == server.handlerRuns)
            #expect(snapshot.faults == snapshot.counters.errors["502"])
        }
    }

    @Test("without the connection handler a connection fault is a 500 that says why, not a silent 200")
    func missingConnectionHandler() async throws {
        try await FaultTestServer.with(FaultProfile(resetRate: 1), connectionHandler: false) { server in
            let reply = try await server.raw(.POST, "/work", body: "x")
            #expect(reply.status == 500)
            #expect(String(decoding: reply.body, as: UTF8.self).contains("injector.httpServer"))
        }
    }

    @Test("a profile loads from a JSON file; a bad file is refused with its code")
    func loadFromFile() throws {
        let directory = TestPaths.temporaryDirectory()
        let path = directory.appendingPathComponent("faults.json").path
        try Data(
            #"""
            {"seed": 9, "paths": ["/dancu/"], "errorRates": [{"status": 429, "rate": 0.2}],
             "latency": {"distribution": "uniform", "minMilliseconds": 5, "maxMilliseconds": 20},
             "dropReplyRate": 0.1, "outages": [{"startAfterSeconds": 10, "durationSeconds": 5}]}
            """#.utf8
        ).write(to: URL(fileURLWithPath: path))
        let profile = try FaultProfile.load(path: path)
        #expect(profile.seed == 9)
        #expect(profile.errorRates == [.init(status: 429, rate: 0.2)])
        #expect(profile.latency == .init(distribution: .uniform, minMilliseconds: 5, maxMilliseconds: 20))
        #expect(profile.outages == [.seconds(5, after: 10)])
        #expect(profile.covers(path: "/dancu/v1/cap-so-dinh-danh"))
        #expect(!profile.covers(path: "/bhxh/v1/the"))
        #expect(!profile.covers(path: "/_mock/faults"))
        let missing = #expect(throws: FaultProfileError.self) { try FaultProfile.load(path: path + ".missing") }
        #expect(missing?.code == .unreadable)
    }

    @Test("the decision is a pure function of seed and request number, and rates are exclusive shares")
    func decisionsArePure() {
        let profile = FaultProfile(
            seed: 11, errorRates: [.init(status: 500, rate: 0.2)],
            latency: .init(distribution: .exponential, meanMilliseconds: 40),
            resetRate: 0.1, dropReplyRate: 0.1)
        let first = (0..<1000).map { profile.decision(forRequest: $0) }
        #expect(first == (0..<1000).map { profile.decision(forRequest: $0) })
        #expect(profile.decision(forRequest: 500) == first[500])
        let passes = first.filter { $0.action == .pass }.count
        #expect((520...680).contains(passes), "about 60% pass, got \(passes)")
        #expect(first.allSatisfy { $0.delay <= .seconds(60) })
        #expect(FaultProfile.none.decision(forRequest: 3) == FaultDecision(action: .pass))
    }
}

/// What a client saw: an HTTP answer, an answer whose body broke off, or a failure before any response
/// head arrived (reset, closed, timed out).
private enum Outcome: Equatable, CustomStringConvertible {
    case answered(status: Int, retryAfter: String?)
    case truncated(status: Int, error: String)
    case failed(String)

    var isConnectionError: Bool {
        if case .failed = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .answered(let status, let retryAfter): "HTTP \(status)" + (retryAfter.map { " Retry-After: \($0)" } ?? "")
        case .truncated(let status, let error): "HTTP \(status), then \(error)"
        case .failed(let error): "connection error before any response: \(error)"
        }
    }
}

/// A tiny mock built like the real ones: a counting handler at `/work`, `/healthz`, the fault routes, and
/// the fault middleware in front, on a free loopback port.
private final class FaultTestServer: Sendable {
    let baseURL: String
    let injector: FaultInjector
    private let counter: Counter
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    var handlerRuns: Int { counter.runs.withLock { $0 } }

    private init(
        baseURL: String, injector: FaultInjector, counter: Counter, group: ServiceGroup, running: Task<Void, any Error>
    ) {
        self.baseURL = baseURL
        self.injector = injector
        self.counter = counter
        self.group = group
        self.running = running
    }

    static func with(
        _ profile: FaultProfile = .none, connectionHandler: Bool = true,
        _ body: (FaultTestServer) async throws -> Void
    ) async throws {
        let server = try await start(profile, connectionHandler: connectionHandler)
        do {
            try await body(server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    static func start(_ profile: FaultProfile, connectionHandler: Bool = true) async throws -> FaultTestServer {
        let injector = FaultInjector(profile: profile)
        let counter = Counter()
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: FaultMiddleware(injector: injector))
        injector.registerRoutes(on: router)
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/work", method: method) { _, _ in
                counter.increment()
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "done")))
            }
        }
        router.get("/healthz") { _, _ in "ok" }
        var logger = Logger(label: "mock-faults-test")
        logger.logLevel = .critical
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, server: connectionHandler ? injector.httpServer : .http1(),
            configuration: ApplicationConfiguration(
                address: .hostname("127.0.0.1", port: 0), serverName: "mock-faults"),
            onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TimedOut(what: "the server's port") }
        return FaultTestServer(
            baseURL: "http://127.0.0.1:\(port)", injector: injector, counter: counter, group: group, running: running)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, timeout: TimeAmount = .seconds(20)) async
        -> Outcome
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        // `execute` returns as soon as a response head arrives, so an error here means no HTTP status at all.
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            return .failed(String(describing: error))
        }
        do {
            _ = try await response.body.collect(upTo: 1 << 20)
        } catch {
            return .truncated(status: Int(response.status.code), error: String(describing: error))
        }
        return .answered(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"))
    }

    func setProfile(_ profile: FaultProfile) async throws {
        let reply = try await raw(
            .PUT, "/_mock/faults", body: String(decoding: try JSONEncoder().encode(profile), as: UTF8.self))
        #expect(reply.status == 200)
    }

    func raw(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> TestHTTP.Reply {
        try await TestHTTP.request(method, baseURL + path, body: body.map { Data($0.utf8) })
    }
}

/// Counts handler runs; a class so the route closure and the test share it.
private final class Counter: Sendable {
    let runs = Mutex(0)
    func increment() { runs.withLock { $0 += 1 } }
}
