import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A bare keep-alive HTTP/1.1 upstream that answers every request with one chat completion and
/// counts the connections it accepted. It can end each connection after its first answer while
/// still advertising keep-alive, as a provider whose idle timeout just passed (``IdleEnd``).
public final class KeepAliveUpstream: Sendable {
    /// How a connection ends after its first answer.
    public enum IdleEnd: Sendable {
        /// It stays open.
        case none
        /// It closes right after the answer.
        case close
        /// It stops reading and closes 200 ms later, with the next request unread: the kernel
        /// resets the connection instead of closing it.
        case resetUnread
    }

    private let accepted = Atomic<Int>(0)
    private let idleEnd: IdleEnd
    private let tls: NIOSSLContext?

    /// With `tls`, the upstream speaks HTTPS only.
    public init(idleEnd: IdleEnd = .none, tls: NIOSSLContext? = nil) {
        self.idleEnd = idleEnd
        self.tls = tls
    }

    /// Connections accepted so far.
    public var connections: Int { accepted.load(ordering: .relaxed) }

    /// Serves on a free loopback port while `body` runs with the base URL.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let idleEnd = self.idleEnd
        let tls = self.tls
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                self.accepted.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Answerer(idleEnd: idleEnd))
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
        let idleEnd: IdleEnd

        init(idleEnd: IdleEnd) { self.idleEnd = idleEnd }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let body = ByteBuffer(string: FakeUpstream.completion())
            let head = HTTPResponseHead(
                version: .http1_1, status: .ok, headers: ["content-type": "application/json", "content-length": "\(body.readableBytes)"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let idleEnd = self.idleEnd
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                switch idleEnd {
                case .none: break
                case .close: bound.value.close(promise: nil)
                case .resetUnread:
                    bound.value.channel.setOption(ChannelOptions.autoRead, value: false).whenSuccess {
                        bound.value.eventLoop.scheduleTask(in: .milliseconds(200)) { bound.value.close(promise: nil) }
                    }
                }
            }
        }
    }
}
