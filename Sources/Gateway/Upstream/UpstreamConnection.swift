import NIOCore
import NIOHTTP1

/// One keep-alive HTTP/1.1 connection to a provider, carrying one request at a time.
final class UpstreamConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<Handler>
    /// When the connection went back to the pool; read and written only under the pool's lock.
    nonisolated(unsafe) var idleSince: NIODeadline = .now()

    init(channel: any Channel, handler: Handler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// A provider's answer as the connection delivers it.
    enum Answer: Sendable {
        /// A response read whole (every non-streamed request, and streamed ones that failed).
        case complete(HTTPResponseHead, ByteBuffer)
        /// A 2xx response to a streamed request: the body arrives chunk by chunk.
        case streaming(HTTPResponseHead, UpstreamChunks)
    }

    /// Why an exchange failed.
    enum Failure: Error {
        /// The connection closed before any byte of the answer: on a reused connection, the
        /// provider had closed it while idle, and the request may be sent again on a new one.
        case closedBeforeResponse
        /// A deadline passed.
        case timeout
        /// The answer was larger than the limit.
        case tooLarge
        /// The connection failed.
        case broken(String)
    }

    /// Sends the request (head, body and end in one flush) and completes once the answer's head
    /// (streamed) or whole answer arrived. `release` runs on the event loop when the exchange is
    /// over, with whether the connection can carry another request.
    func execute(
        head: HTTPRequestHead, body: ByteBuffer, stream: Bool, maxBytes: Int, firstByteDeadline: NIODeadline, deadline: NIODeadline,
        release: @escaping @Sendable (Bool) -> Void
    ) -> EventLoopFuture<Answer> {
        let promise = channel.eventLoop.makePromise(of: Answer.self)
        let exchange = Exchange(promise: promise, stream: stream, maxBytes: maxBytes, deadline: deadline, release: release)
        let handler = self.handler
        if channel.eventLoop.inEventLoop {
            // The usual case: the request runs on the connection's own event loop; write at once.
            handler.value.start(exchange, head: head, body: body, firstByteDeadline: firstByteDeadline)
        } else {
            channel.eventLoop.execute { handler.value.start(exchange, head: head, body: body, firstByteDeadline: firstByteDeadline) }
        }
        return promise.futureResult
    }

    /// What the handler needs to answer one request.
    struct Exchange {
        let promise: EventLoopPromise<Answer>
        let stream: Bool
        let maxBytes: Int
        let deadline: NIODeadline
        let release: @Sendable (Bool) -> Void
    }

    /// The pipeline's last handler: writes a request, reads its answer, and fails it on errors,
    /// deadlines and closes. Runs on the connection's event loop only.
    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart

        private enum State {
            case idle
            case waitingForHead(Exchange)
            case collecting(Exchange, HTTPResponseHead, ByteBuffer)
            case streaming(Exchange, UpstreamChunks.Source, UpstreamChunks.Reading)
            case closed
        }

        private var state = State.idle
        private var context: ChannelHandlerContext?
        private var timer: Scheduled<Void>?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        fileprivate func start(_ exchange: Exchange, head: HTTPRequestHead, body: ByteBuffer, firstByteDeadline: NIODeadline) {
            guard case .idle = state, let context, context.channel.isActive else {
                exchange.promise.fail(Failure.closedBeforeResponse)
                return
            }
            state = .waitingForHead(exchange)
            // One timer per exchange: it fires at the first-byte deadline and, when the head is in
            // by then, moves on to the whole answer's deadline.
            schedule(min(firstByteDeadline, exchange.deadline), context: context)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch (unwrapInboundIn(data), state) {
            case (.head(let head), .waitingForHead(let exchange)):
                if exchange.stream && (200..<300).contains(head.status.code) {
                    let reading = UpstreamChunks.Reading(channel: context.channel)
                    let (chunks, source) = UpstreamChunks.make(reading)
                    state = .streaming(exchange, source, reading)
                    exchange.promise.succeed(.streaming(head, chunks))
                } else {
                    state = .collecting(exchange, head, context.channel.allocator.buffer(capacity: 0))
                }
            case (.body(let chunk), .collecting(let exchange, let head, var body)):
                guard body.readableBytes + chunk.readableBytes <= exchange.maxBytes else {
                    fail(Failure.tooLarge, context: context)
                    return
                }
                if body.readableBytes == 0 {
                    body = chunk  // most answers arrive in one chunk: keep it as read, no copy
                } else {
                    state = .idle  // let `body` be the only reference while it grows
                    body.writeImmutableBuffer(chunk)
                }
                state = .collecting(exchange, head, body)
            case (.body(let chunk), .streaming(_, let source, _)):
                // A reader slower than the provider stops the socket reads until it catches up.
                if source.yield(chunk) == .stopProducing { context.channel.setAutoRead(false) }
            case (.end, .collecting(let exchange, let head, let body)):
                finish(exchange, keepAlive: head.isKeepAlive, context: context)
                exchange.promise.succeed(.complete(head, body))
            case (.end, .streaming(let exchange, let source, let reading)):
                reading.markEnded()
                context.channel.setAutoRead(true)
                finish(exchange, keepAlive: true, context: context)
                source.finish()
            default:
                fail(Failure.broken("unexpected HTTP part from the provider"), context: context)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            fail(Failure.broken(String(describing: error)), context: context)
        }

        func channelInactive(context: ChannelHandlerContext) {
            if case .waitingForHead = state {
                fail(Failure.closedBeforeResponse, context: context)
            } else {
                fail(Failure.broken("the provider closed the connection mid-answer"), context: context)
            }
            context.fireChannelInactive()
        }

        private func schedule(_ deadline: NIODeadline, context: ChannelHandlerContext) {
            timer?.cancel()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (handler, context) = bound.value
                handler.expire(context: context)
            }
        }

        /// The timer fired: a head that arrived in time leaves the answer until its own deadline.
        private func expire(context: ChannelHandlerContext) {
            timer = nil
            switch state {
            case .collecting(let exchange, _, _), .streaming(let exchange, _, _):
                if NIODeadline.now() < exchange.deadline {
                    schedule(exchange.deadline, context: context)
                    return
                }
            case .waitingForHead, .idle, .closed:
                break
            }
            fail(Failure.timeout, context: context)
        }

        /// Ends an exchange that completed: back to idle and to the pool, or closed.
        private func finish(_ exchange: Exchange, keepAlive: Bool, context: ChannelHandlerContext) {
            timer?.cancel()
            timer = nil
            state = keepAlive ? .idle : .closed
            if !keepAlive { context.close(promise: nil) }
            exchange.release(keepAlive)
        }

        /// Fails the exchange in flight, if any, and closes the connection for good.
        private func fail(_ failure: Failure, context: ChannelHandlerContext) {
            let previous = state
            state = .closed
            timer?.cancel()
            timer = nil
            switch previous {
            case .waitingForHead(let exchange), .collecting(let exchange, _, _):
                exchange.release(false)
                exchange.promise.fail(failure)
            case .streaming(let exchange, let source, _):
                exchange.release(false)
                source.finish(failure)
            case .idle, .closed:
                break
            }
            context.close(promise: nil)
        }
    }
}
