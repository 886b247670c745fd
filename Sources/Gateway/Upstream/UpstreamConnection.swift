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
        let exchange = InFlight(promise: promise, stream: stream, maxBytes: maxBytes, deadline: deadline, release: release)
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
    struct InFlight: UpstreamExchangeTerms {
        let promise: EventLoopPromise<Answer>
        let stream: Bool
        let maxBytes: Int
        let deadline: NIODeadline
        let release: @Sendable (Bool) -> Void
    }

    /// The pipeline's last handler: writes a request and carries out what the
    /// ``UpstreamStateMachine`` decides for the answer's parts, deadlines and closes. Runs on the
    /// connection's event loop only.
    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart
        typealias Stream = (source: UpstreamChunks.Source, reading: UpstreamChunks.Reading)

        private var machine = UpstreamStateMachine<InFlight, Stream>()
        private var context: ChannelHandlerContext?
        private var timer: Scheduled<Void>?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        fileprivate func start(_ exchange: InFlight, head: HTTPRequestHead, body: ByteBuffer, firstByteDeadline: NIODeadline) {
            guard machine.isIdle, let context, context.channel.isActive else {
                exchange.promise.fail(Failure.closedBeforeResponse)
                return
            }
            machine.started(exchange)
            // One timer per exchange: it fires at the first-byte deadline and, when the head is in
            // by then, moves on to the whole answer's deadline.
            schedule(min(firstByteDeadline, exchange.deadline), context: context)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                // The reader's side of a stream goes to the exchange only; the machine keeps the producer's.
                var chunks: UpstreamChunks?
                let action = machine.receivedHead(head) {
                    let reading = UpstreamChunks.Reading(channel: context.channel)
                    let (sequence, source) = UpstreamChunks.make(reading)
                    chunks = sequence
                    return (source, reading)
                }
                if case .startStream(let exchange, let head) = action, let chunks {
                    exchange.promise.succeed(.streaming(head, chunks))
                } else {
                    perform(action, context: context)
                }
            case .body(let chunk):
                perform(machine.receivedBody(chunk), context: context)
            case .end:
                perform(machine.receivedEnd(), context: context)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            perform(machine.failed(Failure.broken(String(describing: error))), context: context)
        }

        func channelInactive(context: ChannelHandlerContext) {
            perform(machine.closed(), context: context)
            context.fireChannelInactive()
        }

        /// Carries out what the state machine decided.
        private func perform(_ action: UpstreamStateMachine<InFlight, Stream>.Action, context: ChannelHandlerContext) {
            switch action {
            case .none:
                break
            case .startStream:
                break  // handled where the head is read, which holds the reader's side
            case .forward(let stream, let chunk):
                // A reader slower than the provider stops the socket reads until it catches up.
                if stream.source.yield(chunk) == .stopProducing { context.channel.setAutoRead(false) }
            case .complete(let exchange, let head, let body, let keepAlive):
                finish(exchange, keepAlive: keepAlive, context: context)
                exchange.promise.succeed(.complete(head, body))
            case .endStream(let exchange, let stream, let keepAlive):
                stream.reading.markEnded()
                context.channel.setAutoRead(true)
                finish(exchange, keepAlive: keepAlive, context: context)
                stream.source.finish()
            case .fail(let exchange, let stream, let failure):
                timer?.cancel()
                timer = nil
                exchange?.release(false)
                if let stream { stream.source.finish(failure) } else { exchange?.promise.fail(failure) }
                context.close(promise: nil)
            case .reschedule(let deadline):
                schedule(deadline, context: context)
            }
        }

        private func schedule(_ deadline: NIODeadline, context: ChannelHandlerContext) {
            timer?.cancel()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (handler, context) = bound.value
                handler.timer = nil
                handler.perform(handler.machine.timerFired(now: .now()), context: context)
            }
        }

        /// Ends an exchange that completed: back to the pool, or closed.
        private func finish(_ exchange: InFlight, keepAlive: Bool, context: ChannelHandlerContext) {
            timer?.cancel()
            timer = nil
            if !keepAlive { context.close(promise: nil) }
            exchange.release(keepAlive)
        }
    }
}
