import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An upstream that answers every request with the same bytes, exactly as given: for answers no
/// HTTP library would write (framed by the close, informational heads first, hostile lengths).
/// With `close`, it closes the connection after each answer.
public final class RawUpstream: Sendable {
    private let answer: String
    private let close: Bool
    private let accepted = Atomic<Int>(0)

    public init(_ answer: String, close: Bool = false) {
        self.answer = answer
        self.close = close
    }

    /// Connections accepted so far.
    public var connections: Int { accepted.load(ordering: .relaxed) }

    /// Serves on a free loopback port while `body` runs with the base URL.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (answer, close) = (self.answer, self.close)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                self.accepted.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Answerer(answer: answer, close: close))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { channel.close(promise: nil) }
        return try await body("http://127.0.0.1:\(channel.localAddress!.port!)/v1")
    }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = ByteBuffer
        let answer: String
        let close: Bool

        init(answer: String, close: Bool) {
            self.answer = answer
            self.close = close
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let closing = close
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer))).whenComplete { _ in
                if closing { bound.value.close(promise: nil) }
            }
        }
    }
}
