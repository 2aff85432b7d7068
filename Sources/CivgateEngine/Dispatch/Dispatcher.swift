public import CivgateModel
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Delivers: per destination, a bounded number of workers claim due deliveries under a lease and carry
/// them through their adapter. Each lane has its own workers; the backfill lane's run on background
/// threads (`BackgroundExecutor`, nice 10), so live deliveries get the CPU first. A `Service`: on
/// graceful shutdown it stops claiming, lets in-flight attempts finish for `dispatcher.shutdownGrace`,
/// then releases what is left.
public final class Dispatcher: Service, Sendable {
    private let store: any GatewayStore
    private let configuration: GatewayConfiguration
    private let adapters: [String: any DestinationAdapter]
    private let directory: DestinationDirectory
    private let wakeups: [String: Wakeup]
    private let breakers: [String: CircuitBreaker]
    private let stopSignal = Wakeup()
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)
    private let logger: Logger
    /// This process's lease owner name: unique per run, so a restarted process never mistakes an old
    /// lease for its own.
    public let owner: String

    /// - Parameter adapters: one per configured destination that routes use.
    public init(
        store: any GatewayStore, configuration: GatewayConfiguration, adapters: [any DestinationAdapter],
        directory: DestinationDirectory, logger: Logger
    ) throws {
        self.store = store
        self.configuration = configuration
        self.directory = directory
        self.logger = logger
        var byName: [String: any DestinationAdapter] = [:]
        for adapter in adapters { byName[adapter.destination] = adapter }
        for (event, steps) in configuration.routes {
            for step in steps {
                guard let adapter = byName[step.destination] else {
                    throw ConfigurationError("routes.\(event): no adapter for destination '\(step.destination)'")
                }
                guard adapter.operations.contains(step.operation) else {
                    throw ConfigurationError(
                        "routes.\(event): destination '\(step.destination)' has no operation '\(step.operation)'")
                }
            }
        }
        self.adapters = byName.filter { configuration.destinations[$0.key] != nil }
        self.wakeups = Dictionary(uniqueKeysWithValues: self.adapters.keys.map { ($0, Wakeup()) })
        var breakers: [String: CircuitBreaker] = [:]
        for name in self.adapters.keys {
            Metrics.shared.set("civgate_breaker_state", 0, ["destination": name])
            breakers[name] = CircuitBreaker(settings: configuration.destinations[name]!.breaker) {
                [store, logger] state in
                let value: Double = state == .closed ? 0 : state == .halfOpen ? 1 : 2
                Metrics.shared.set("civgate_breaker_state", value, ["destination": name])
                logger.warning("circuit breaker \(state.rawValue)", metadata: ["destination": "\(name)"])
                Task { try? await store.reportHealth(destination: name, state: state.rawValue, now: Timestamp.now()) }
            }
        }
        self.breakers = breakers
        self.owner =
            "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(Identifiers.make(prefix: "w").suffix(6))"
    }

    /// Whether the worker loops are running (for `/readyz`).
    public var isRunning: Bool { running.load(ordering: .relaxed) }

    /// Each destination's circuit breaker state (for `/readyz` details).
    public var breakerStates: [String: String] { breakers.mapValues { $0.state.rawValue } }

    /// Tells every idle worker to look for work (after an operator action).
    public func wakeAll() {
        for wakeup in wakeups.values { wakeup.signal() }
    }

    /// Tells idle workers of these destinations that work is due now.
    public func wake(_ destinations: Set<String>) {
        for destination in destinations { wakeups[destination]?.signal() }
    }

    public func run() async throws {
        // One transport per destination and lane: the backfill lane's connections run on the background
        // event loops, so its HTTP work waits while live work needs the CPU.
        var transports: [Lane: [String: DestinationTransport]] = [:]
        for name in adapters.keys {
            let settings = configuration.destinations[name]!
            transports[.live, default: [:]][name] = DestinationTransport(
                configuration: settings, connections: settings.workers)
            transports[.backfill, default: [:]][name] = DestinationTransport(
                configuration: settings, connections: settings.backfillWorkers,
                eventLoops: BackgroundExecutor.shared.group)
        }
        running.store(true, ordering: .relaxed)
        for (name, breaker) in breakers {
            try? await store.reportHealth(destination: name, state: breaker.state.rawValue, now: Timestamp.now())
        }
        await withGracefulShutdownHandler {
            // Workers return false; the grace timer returns true and, once it fires, cancels what is left.
            await withTaskGroup(of: Bool.self) { group in
                var workers = 0
                let leases = LeaseKeeper(store: store, owner: owner, lease: configuration.dispatcher.lease.milliseconds)
                for (name, adapter) in adapters {
                    let settings = configuration.destinations[name]!
                    let limiter = RateLimiter(perSecond: settings.rateLimit)
                    let budgets: [(Lane, Int)] = [
                        (.live, max(1, settings.workers)), (.backfill, max(1, settings.backfillWorkers)),
                    ]
                    for (lane, count) in budgets {
                        let processor = DeliveryProcessor(
                            adapter: adapter, transport: transports[lane]![name]!, policy: settings.retry,
                            directory: directory, owner: owner, limiter: limiter, logger: logger)
                        let claims = claimBatcher(destination: name, lane: lane)
                        // Backfill workers (claims, mapping, replies) run on the background threads.
                        let executor: (any TaskExecutor)? = lane == .backfill ? BackgroundExecutor.shared : nil
                        for _ in 0..<count {
                            workers += 1
                            group.addTask(executorPreference: executor) {
                                await self.workerLoop(
                                    destination: name, claims: claims, leases: leases, processor: processor)
                                return false
                            }
                        }
                    }
                }
                workers += 1
                group.addTask {
                    await self.maintenanceLoop()
                    return false
                }
                // Not counted as a worker: it renews until the last attempt is done, then is cancelled.
                group.addTask {
                    await leases.run()
                    return false
                }
                group.addTask { await self.graceTimer() }
                for await isTimer in group {
                    if isTimer { group.cancelAll() } else { workers -= 1 }
                    if workers == 0 { group.cancelAll() }
                }
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            self.stopSignal.signal()
            for wakeup in self.wakeups.values { wakeup.signal() }
        }
        running.store(false, ordering: .relaxed)
        let released = (try? await store.releaseLeases(owner: owner, now: Timestamp.now())) ?? 0
        logger.info("dispatcher stopped", metadata: ["released": "\(released)"])
        for transport in transports.values.flatMap(\.values) { await transport.shutdown() }
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Records finished attempts and leases due deliveries of one destination and lane for its workers,
    /// several per transaction.
    private func claimBatcher(destination: String, lane: Lane) -> ClaimBatcher {
        let lease = configuration.dispatcher.lease.milliseconds
        return ClaimBatcher { [store, owner] completions, limit in
            let now = Timestamp.now()
            return try await store.completeAndClaim(
                completions, destination: destination, lane: lane, owner: owner, limit: limit, now: now,
                leaseUntil: now + lease)
        }
    }

    private func workerLoop(
        destination: String, claims: ClaimBatcher, leases: LeaseKeeper, processor: DeliveryProcessor
    ) async {
        let wakeup = wakeups[destination]!
        let breaker = breakers[destination]!
        // The last attempt's outcome: recorded with the next claim, or alone before waiting or stopping.
        var finished: DeliveryCompletion?
        while !isStopping && !Task.isCancelled {
            let generation = wakeup.generation
            guard breaker.allow() else {
                // Open: nothing is sent until the breaker lets a probe through.
                await record(&finished, leases: leases)
                Metrics.shared.increment("civgate_breaker_rejections_total", ["destination": destination])
                await wakeup.wait(
                    unlessChangedFrom: generation, timeout: configuration.dispatcher.pollInterval.duration)
                continue
            }
            let turn: ClaimBatcher.Turn
            do {
                turn = try await claims.next(completing: finished)
            } catch {
                // The completion was not recorded either: its lease expires and the attempt is made again
                // with the same key. Nothing is lost.
                if let completion = finished {
                    leases.release(id: completion.deliveryID, attempt: completion.attempt.number)
                    finished = nil
                }
                breaker.record(success: nil)
                logger.warning(
                    "claim failed", metadata: ["destination": "\(destination)", "error": "\(type(of: error))"])
                await wakeup.wait(
                    unlessChangedFrom: generation, timeout: configuration.dispatcher.pollInterval.duration)
                continue
            }
            if let completion = finished {
                leases.release(id: completion.deliveryID, attempt: completion.attempt.number)
                finished = nil
            }
            wake(turn.released)
            guard let delivery = turn.delivery else {
                breaker.record(success: nil)
                await wakeup.wait(
                    unlessChangedFrom: generation, timeout: configuration.dispatcher.pollInterval.duration)
                continue
            }
            leases.hold(delivery)
            let result = await processor.process(delivery)
            breaker.record(success: result.healthy)
            if let completion = result.completion {
                finished = completion
            } else {
                leases.release(id: delivery.id, attempt: delivery.attempt)
            }
        }
        await record(&finished, leases: leases)
    }

    /// Records a finished attempt on its own (no claim follows it now).
    private func record(_ finished: inout DeliveryCompletion?, leases: LeaseKeeper) async {
        guard let completion = finished else { return }
        finished = nil
        defer { leases.release(id: completion.deliveryID, attempt: completion.attempt.number) }
        do {
            wake(try await store.complete(completion, now: Timestamp.now()))
        } catch {
            // The lease expires and the delivery is claimed again with the same key: nothing is lost.
            logger.error(
                "cannot record an attempt",
                metadata: ["delivery": "\(completion.deliveryID)", "error": "\(type(of: error))"])
        }
    }

    /// Returns `shutdownGrace` after shutdown began (or at cancellation, when all workers are done).
    private func graceTimer() async -> Bool {
        while true {
            let generation = stopSignal.generation
            if isStopping || Task.isCancelled { break }
            await stopSignal.wait(unlessChangedFrom: generation, timeout: .seconds(3600))
        }
        if Task.isCancelled { return false }
        try? await Task.sleep(for: configuration.dispatcher.shutdownGrace.duration)
        return true
    }

    /// Removes idempotency keys past their retention, every ten minutes.
    private func maintenanceLoop() async {
        while true {
            let generation = stopSignal.generation
            if isStopping || Task.isCancelled { break }
            _ = try? await store.purgeExpiredKeys(now: Timestamp.now())
            await stopSignal.wait(unlessChangedFrom: generation, timeout: .seconds(600))
        }
    }
}
