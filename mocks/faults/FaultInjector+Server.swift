public import HummingbirdCore
public import NIOCore

extension FaultInjector {
    /// An HTTP/1.1 server setup with the fault connection handler in every connection's pipeline; pass it
    /// as `Application(router:server:…)` so resets, dropped replies and black holes can happen.
    public var httpServer: HTTPServerBuilder {
        .http1(configuration: HTTP1Channel.Configuration(additionalChannelHandlers: [self.makeConnectionHandler()]))
    }

    /// A new connection handler (one per connection), for servers built by hand: it goes after the HTTP
    /// codec, where `HTTP1Channel.Configuration.additionalChannelHandlers` puts it.
    public func makeConnectionHandler() -> any RemovableChannelHandler {
        FaultConnectionHandler(maxHold: { [self] in self.blackHoleMaxHold })
    }
}
