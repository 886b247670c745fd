import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A bare keep-alive HTTP/1.1 upstream that answers every request with one chat completion and
/// counts the connections it accepted. With `closeIdle`, it closes each connection right after
/// answering while still advertising keep-alive, as a provider whose idle timeout just passed.
public final class KeepAliveUpstream: Sendable {
    private let accepted = Atomic<Int>(0)
    private let closeIdle: Bool
    private let tls: NIOSSLContext?

    /// With `tls`, the upstream speaks HTTPS only.
    public init(closeIdle: Bool = false, tls: NIOSSLContext? = nil) {
        self.closeIdle = closeIdle
        self.tls = tls
    }

    /// Connections accepted so far.
    public var connections: Int { accepted.load(ordering: .relaxed) }

    /// Serves on a free loopback port while `body` runs with the base URL.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let closeIdle = self.closeIdle
        let tls = self.tls
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                self.accepted.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Answerer(closeIdle: closeIdle))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { channel.close(promise: nil) }
        let port = channel.localAddress!.port!
        // A TLS client checks the certificate's name: `localhost` is the name the test certificate carries.
        return try await body(tls == nil ? "http://127.0.0.1:\(port)/v1" : "https://localhost:\(port)/v1")
    }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let closeIdle: Bool

        init(closeIdle: Bool) { self.closeIdle = closeIdle }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let body = ByteBuffer(string: FakeUpstream.completion())
            let head = HTTPResponseHead(
                version: .http1_1, status: .ok, headers: ["content-type": "application/json", "content-length": "\(body.readableBytes)"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let closing = closeIdle
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if closing { bound.value.close(promise: nil) }
            }
        }
    }
}
