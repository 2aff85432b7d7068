import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Carries out connection faults for one connection, between Hummingbird's HTTP codec and its request
/// handling (installed by ``FaultInjector/httpServer``).
///
/// It sees every response part before it is encoded. A head marked by ``FaultMiddleware``:
/// - `reset`: sets SO_LINGER to 0 and closes, so the client gets a TCP RST and no byte of HTTP;
/// - `drop-reply`: closes the connection (FIN) without writing anything;
/// - `black-hole`: swallows this and every later response part and keeps the connection open until the
///   client closes it, the maximum hold passes, the server starts shutting down
///   (`ChannelShouldQuiesceEvent`) or the request task is cancelled. No task waits meanwhile: Hummingbird
///   believes it answered, and this handler only holds a timer.
final class FaultConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Mode {
        case normal
        case blackHole(Scheduled<Void>?)
        case closed
    }

    private let maxHold: @Sendable () -> Duration
    private var mode = Mode.normal
    /// The server started shutting down: a black hole that starts now must not hold the shutdown up.
    private var quiescing = false

    init(maxHold: @escaping @Sendable () -> Duration) {
        self.maxHold = maxHold
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .normal:
            guard case .head(let head) = unwrapOutboundIn(data),
                let mark = head.headerFields[ConnectionFault.header], let fault = ConnectionFault(rawValue: mark)
            else {
                context.write(data, promise: promise)
                return
            }
            start(fault, context: context)
            promise?.succeed(())
        case .blackHole:
            promise?.succeed(())
        case .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func close(context: ChannelHandlerContext, mode closeMode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard case .blackHole = mode else {
            context.close(mode: closeMode, promise: promise)
            return
        }
        switch closeMode {
        case .input:
            // The request task was cancelled (server cancellation): end the hold now.
            release(context: context)
            promise?.succeed(())
        case .output, .all:
            // Hummingbird finishing its half of the exchange (it thinks it answered): keep holding, or the
            // client would see the connection close and stop waiting.
            promise?.succeed(())
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if case .blackHole = mode { release(context: context) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        mode = .closed
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    private func start(_ fault: ConnectionFault, context: ChannelHandlerContext) {
        switch fault {
        case .reset:
            mode = .closed
            let channel = context.channel
            // SO_LINGER 0 turns close() into an RST: the client sees "connection reset", as from a crashed peer.
            if let socket = channel as? any SocketOptionProvider {
                socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        case .dropReply:
            mode = .closed
            context.close(promise: nil)
        case .blackHole where quiescing:
            // The request was in flight when shutdown began; hold nothing, answer nothing.
            mode = .closed
            context.close(promise: nil)
        case .blackHole:
            let timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(maxHold())) {
                self.release(context: context)
            }
            mode = .blackHole(timer)
        }
    }

    /// Ends a black hole by closing the connection, still without an answer.
    private func release(context: ChannelHandlerContext) {
        cancelTimer()
        mode = .closed
        context.close(promise: nil)
    }

    private func cancelTimer() {
        if case .blackHole(let timer) = mode { timer?.cancel() }
    }
}
