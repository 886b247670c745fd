import Glibc
import NIOCore
import NIOHTTP1
import NIOSSL

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
        case complete(UpstreamHead, ByteBuffer)
        /// A 2xx response to a streamed request: the body arrives chunk by chunk.
        case streaming(UpstreamHead, UpstreamChunks)
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

    /// Sends the request (head, body and end in one flush) and calls `reply` on the event loop
    /// once the answer's head (streamed) or whole answer arrived, or the exchange failed. `release`
    /// runs on the event loop when the exchange is over, with whether the connection can carry
    /// another request. Called on the connection's event loop.
    func start(
        request: (head: ByteBuffer, body: ByteBuffer?), stream: Bool, maxBytes: Int, firstByteDeadline: NIODeadline, deadline: NIODeadline,
        release: @escaping (Bool) -> Void, reply: @escaping (Result<Answer, Failure>) -> Void
    ) {
        let exchange = InFlight(reply: reply, stream: stream, maxBytes: maxBytes, deadline: deadline, release: release)
        handler.value.start(exchange, request: request, firstByteDeadline: firstByteDeadline)
    }

    /// What the handler needs to answer one request.
    struct InFlight: UpstreamExchangeTerms {
        /// Called exactly once, with the answer or the failure (the state machine hands each exchange one outcome).
        let reply: (Result<Answer, Failure>) -> Void
        let stream: Bool
        let maxBytes: Int
        let deadline: NIODeadline
        let release: (Bool) -> Void
    }

    /// The pipeline's last handler (after TLS, if any): writes a request as bytes, reads the
    /// answer's parts with an ``UpstreamResponseParser``, and carries out what the
    /// ``UpstreamStateMachine`` decides for them, for deadlines and for closes. Runs on the
    /// connection's event loop only.
    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        typealias Stream = UpstreamChunks.Buffer

        private var machine = UpstreamStateMachine<InFlight, Stream>()
        private var parser = UpstreamResponseParser()
        private var context: ChannelHandlerContext?
        private var timer: Scheduled<Void>?
        private var deadline = LazyDeadline()
        /// Whether a slow reader of this connection's stream turned its socket reads off (setting
        /// the option casts its value several times, so an answer that never paused skips it).
        private var pausedReads = false

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        fileprivate func start(_ exchange: InFlight, request: (head: ByteBuffer, body: ByteBuffer?), firstByteDeadline: NIODeadline) {
            guard machine.isIdle, let context, context.channel.isActive else {
                exchange.reply(.failure(.closedBeforeResponse))
                return
            }
            machine.started(exchange)
            // The exchange's deadline is first the first byte's and, when the head is in by then,
            // the whole answer's; one lazily armed timer watches it.
            schedule(min(firstByteDeadline, exchange.deadline), context: context)
            if let body = request.body {
                context.write(wrapOutboundOut(request.head), promise: nil)
                context.writeAndFlush(wrapOutboundOut(body), promise: nil)
            } else {
                context.writeAndFlush(wrapOutboundOut(request.head), promise: nil)
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            do {
                try parser.feed(unwrapInboundIn(data)) { received($0, context: context) }
            } catch {
                perform(machine.failed(.broken(error.reason)), context: context)
            }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            // A stream's reader writes what this read brought on in one flush.
            machine.stream?.readComplete()
            context.fireChannelReadComplete()
        }

        /// Hands one part of the answer to the state machine.
        private func received(_ part: UpstreamResponseParser.Part, context: ChannelHandlerContext) {
            switch part {
            case .head(let head, let keepAlive):
                // The reader's side of a stream goes to the exchange only; the machine keeps the producer's.
                var chunks: UpstreamChunks?
                let action = machine.receivedHead(head, keepAlive: keepAlive) {
                    let (sequence, buffer) = UpstreamChunks.make(channel: context.channel)
                    chunks = sequence
                    return buffer
                }
                if case .startStream(let exchange, let head) = action, let chunks {
                    exchange.reply(.success(.streaming(head, chunks)))
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
            let reason = String(describing: error)
            if Self.isClose(error) {
                perform(machine.closed(answerBegun: !parser.isBetweenAnswers, reason: reason), context: context)
            } else {
                perform(machine.failed(.broken(reason)), context: context)
            }
        }

        /// Whether `error` is the provider ending the connection rather than a fault in it: a
        /// reset (a provider that closes a connection with a request unread resets it), a broken
        /// pipe, or TLS closed without its close notification.
        static func isClose(_ error: any Error) -> Bool {
            if let error = error as? IOError { return error.errnoCode == ECONNRESET || error.errnoCode == EPIPE }
            if let error = error as? NIOSSLError, case .uncleanShutdown = error { return true }
            return false
        }

        func channelInactive(context: ChannelHandlerContext) {
            do {
                try parser.finish { received($0, context: context) }  // an answer framed by the close ends here
            } catch {
                perform(machine.failed(.broken(error.reason)), context: context)
            }
            perform(machine.closed(answerBegun: !parser.isBetweenAnswers), context: context)
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
                if !stream.append(chunk) {
                    pausedReads = true
                    context.channel.setAutoRead(false)
                }
            case .complete(let exchange, let head, let body, let keepAlive):
                finish(exchange, keepAlive: keepAlive, context: context)
                exchange.reply(.success(.complete(head, body)))
            case .endStream(let exchange, let stream, let keepAlive):
                // Back to the pool first: a relay that ends its answer here can start the client's
                // next pipelined request at once, on this connection.
                if pausedReads {
                    pausedReads = false
                    context.channel.setAutoRead(true)
                }
                finish(exchange, keepAlive: keepAlive, context: context)
                stream.finish()
            case .fail(let exchange, let stream, let failure):
                timer?.cancel()
                timer = nil
                deadline.cancel()
                exchange?.release(false)
                if let stream { stream.finish(failure) } else { exchange?.reply(.failure(failure)) }
                context.close(promise: nil)
            case .reschedule(let deadline):
                schedule(deadline, context: context)
            }
        }

        private func schedule(_ due: NIODeadline, context: ChannelHandlerContext) {
            guard let at = deadline.expect(due) else { return }
            arm(at, context: context)
        }

        private func arm(_ at: NIODeadline, context: ChannelHandlerContext) {
            timer?.cancel()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: at) {
                let (handler, context) = bound.value
                handler.timer = nil
                let now = NIODeadline.now()
                switch handler.deadline.fired(now: now) {
                case .idle: break
                case .rearm(let later): handler.arm(later, context: context)
                case .due: handler.perform(handler.machine.timerFired(now: now), context: context)
                }
            }
        }

        /// Ends an exchange that completed: back to the pool, or closed.
        private func finish(_ exchange: InFlight, keepAlive: Bool, context: ChannelHandlerContext) {
            deadline.clear()
            if !keepAlive { context.close(promise: nil) }
            exchange.release(keepAlive)
        }
    }
}
