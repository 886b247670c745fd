import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An upstream that answers with a stream of `chunks` chunks of `chunkBytes`, writing only while
/// its socket takes more, and counting the bytes the socket took: how far ahead of its reader a
/// provider can get.
public final class FirehoseUpstream: Sendable {
    public let chunks: Int
    public let chunkBytes: Int
    private let written = Atomic<Int>(0)

    public init(chunks: Int, chunkBytes: Int) {
        self.chunks = chunks
        self.chunkBytes = chunkBytes
    }

    /// Bytes of the body handed to the socket so far.
    public var bytesWritten: Int { written.load(ordering: .relaxed) }

    /// Serves on a free loopback port while `body` runs with the port.
    public func run<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Writer(upstream: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { channel.close(promise: nil) }
        return try await body(channel.localAddress!.port!)
    }

    private final class Writer: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let upstream: FirehoseUpstream
        var remaining = 0
        var streaming = false

        init(upstream: FirehoseUpstream) { self.upstream = upstream }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-type": "text/event-stream"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            remaining = upstream.chunks
            streaming = true
            pump(context: context)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if streaming && context.channel.isWritable { pump(context: context) }
        }

        /// Writes while the socket takes more; the rest waits for writability.
        private func pump(context: ChannelHandlerContext) {
            let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: upstream.chunkBytes)
            while remaining > 0 && context.channel.isWritable {
                remaining -= 1
                let size = chunk.readableBytes
                let upstream = self.upstream
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk)))).whenSuccess { upstream.written.add(size, ordering: .relaxed) }
            }
            // A flush can re-enter through channelWritabilityChanged: only one of them ends the response.
            if remaining == 0 && streaming {
                streaming = false
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
