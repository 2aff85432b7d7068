import NIOCore
import NIOPosix

/// One client of a closed-loop load: a keep-alive connection on which it sends a request, reads the
/// whole answer, and sends the next at once, all on its event loop (no hop through Swift concurrency
/// between two requests). It opens a new connection when the server closes one, and stops when no
/// request is left.
final class BenchLoadClient: @unchecked Sendable {
    // @unchecked: every mutable property is used on `loop` only.
    private let loop: any EventLoop
    private let plan: BenchLoad.Plan
    private let done: EventLoopPromise<BenchLoad.Result>
    private var encoder: BenchHTTPRequestEncoder
    private var parser = BenchHTTPResponseParser()
    private var result = BenchLoad.Result()
    private var channel: (any Channel)?
    /// When the request in flight was written; nil when none is.
    private var sent: ContinuousClock.Instant?
    private var finished = false
    private var watchdog: RepeatedTask?

    init(loop: any EventLoop, plan: BenchLoad.Plan, expected: Int) {
        self.loop = loop
        self.plan = plan
        done = loop.makePromise()
        encoder = BenchHTTPRequestEncoder(host: plan.host)
        result.latencies.reserveCapacity(expected)
    }

    /// Starts sending; the future gives what this client measured once no request is left.
    func start() -> EventLoopFuture<BenchLoad.Result> {
        loop.execute {
            self.watchdog = self.loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                self.expireStalledRequest()
            }
            self.connect()
        }
        return done.futureResult
    }

    private func connect() {
        ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(client: self))
                }
            }
            .connect(to: plan.address)
            .whenFailure { _ in
                // The request this connection was for gets no answer; a server that refuses every
                // connection thus still ends the load.
                guard self.take() != nil else { return self.finish() }
                self.result.failures += 1
                self.result.requests += 1
                self.loop.scheduleTask(in: .milliseconds(10)) { self.connect() }
            }
    }

    /// The next request index, or nil when the load is done.
    private func take() -> Int? {
        let index = plan.counter.next()
        return index < plan.total ? index : nil
    }

    fileprivate func active(_ channel: any Channel) {
        self.channel = channel
        sendNext(on: channel)
    }

    private func sendNext(on channel: any Channel) {
        guard let index = take() else {
            finish()
            channel.close(promise: nil)
            return
        }
        let bytes = encoder.encode(plan.make(index), allocator: channel.allocator)
        sent = .now
        channel.writeAndFlush(bytes, promise: nil)
    }

    fileprivate func received(_ bytes: ByteBuffer, on channel: any Channel) {
        parser.feed(bytes)
        do {
            while let response = try parser.next() {
                guard answered(response) else { return }
                if response.close {
                    channel.close(promise: nil)
                    return
                }
                sendNext(on: channel)
            }
        } catch {
            channel.close(promise: nil)  // malformed answer: the request in flight counts as unanswered
        }
    }

    /// Records an answer; false when none was awaited (the connection is then closed).
    private func answered(_ response: BenchHTTPResponseParser.Response) -> Bool {
        guard let sent else {
            channel?.close(promise: nil)
            return false
        }
        result.latencies.append(BenchStats.milliseconds(ContinuousClock.now - sent))
        result.statuses[response.status, default: 0] += 1
        result.requests += 1
        self.sent = nil
        return true
    }

    fileprivate func closed() {
        if let response = parser.connectionClosed() { _ = answered(response) }
        parser = BenchHTTPResponseParser()
        channel = nil
        if sent != nil {
            result.failures += 1
            result.requests += 1
            sent = nil
        }
        if !finished { connect() }
    }

    /// Closes a connection whose answer takes longer than the plan's timeout.
    private func expireStalledRequest() {
        guard let sent, ContinuousClock.now - sent > plan.timeout else { return }
        channel?.close(promise: nil)
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        watchdog?.cancel()
        done.succeed(result)
    }

    /// Hands the connection's events to its client.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let client: BenchLoadClient

        init(client: BenchLoadClient) {
            self.client = client
        }

        func channelActive(context: ChannelHandlerContext) {
            client.active(context.channel)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            client.received(unwrapInboundIn(data), on: context.channel)
        }

        func channelInactive(context: ChannelHandlerContext) {
            client.closed()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
