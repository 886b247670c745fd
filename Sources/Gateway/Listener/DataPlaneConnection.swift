import GatewayModel
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Telemetry
import WireJSON

/// Serves the requests of one client connection on its event loop.
///
/// A request's body is collected in the handler up to the body limit, then the request is answered
/// by one task that runs on the connection's own event loop (its ``LoopTaskExecutor``), so the
/// gate chain, the upstream exchange and the answer stay on one thread. A body that passes the
/// limit is handed over as soon as it does, for the `payload` gate to refuse; the rest is not read.
/// ``RequestReader`` parses the requests, keeps pipelined ones in order and quiesces the
/// connection at shutdown.
/// An HTTP/1.0 client gets HTTP/1.0 answers, kept alive only when it asked, and a streamed answer
/// delimited by closing the connection.
final class DataPlaneConnection: ChannelInboundHandler {
    typealias InboundIn = RequestParser.Part
    typealias OutboundOut = AnswerPart

    private let routes: DataPlaneRoutes
    private let maxBodyBytes: @Sendable () -> Int
    private let logger: Logger
    private let connectionGuard: ConnectionGuard
    private let executor: LoopTaskExecutor
    private var machine = RequestStateMachine<RequestHead>()
    private var task: Task<Void, Never>?
    /// A flush of a stream's writes is due at the end of this turn of the event loop.
    private var flushScheduled = false

    private var context: ChannelHandlerContext?

    init(
        routes: DataPlaneRoutes, maxBodyBytes: @escaping @Sendable () -> Int, logger: Logger, connectionGuard: ConnectionGuard,
        executor: LoopTaskExecutor
    ) {
        self.routes = routes
        self.executor = executor
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.connectionGuard = connectionGuard
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The raw request passed the size limit while its body was being read (chunk extensions or
    /// trailers, which the decoder does not hand on): answers it with the `payload` gate's 413 now.
    /// Returns whether it did.
    func refuseOversized() -> Bool {
        guard let context else { return false }
        return perform(machine.passedLimit(), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard machine.isIdle else { return }
            connectionGuard.headReceived()
            let action = machine.receivedHead(head, declaredLength: head.declaredLength, limit: maxBodyBytes())
            // A client that waits to send its body is told to once the body is to be read; one
            // declared over the limit gets the 413 instead, and never sends it.
            if case .none = action, head.waitsToSend { context.writeAndFlush(wrapOutboundOut(.proceed), promise: nil) }
            perform(action, context: context)
        case .body(let chunk):
            perform(machine.receivedBody(chunk), context: context)
        case .end:
            perform(machine.receivedEnd(), context: context)
        }
    }

    /// Carries out what the state machine decided; returns whether a request was dispatched.
    @discardableResult
    private func perform(_ action: RequestStateMachine<RequestHead>.Action, context: ChannelHandlerContext) -> Bool {
        guard case .dispatch(let head, let body, _, let oversized) = action else { return false }
        dispatch(head, body: body, oversized: oversized, context: context)
        return true
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client is gone: the request's upstream exchange stops (recorded as `client_closed`).
        task?.cancel()
        task = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("data-plane connection failed", metadata: ["error": "\(LogText.safe("\(error)"))"])
        // Bytes that are not HTTP after the last request: ``RequestReader`` reports this once
        // every earlier answer is written, so the client gets those, then a 400, then the close.
        if let invalid = error as? RequestParser.Invalid, machine.isIdle {
            refuse(version: .http1_1, message: "The request is not valid HTTP/1.1: \(invalid.reason).", context: context)
            return
        }
        context.close(promise: nil)
    }

    /// Answers a request that cannot be read with 400, and closes.
    private func refuse(version: HTTPVersion, message: String, context: ChannelHandlerContext) {
        machine.refusing()
        connectionGuard.answering()
        let body = ClientError(.badRequest, .invalidRequest, message).body
        let head = AnswerHead(
            status: .badRequest, headerFields: [.contentType: "application/json"], isLegacy: version.minor == 0,
            closes: true, method: .ordinary, contentLength: body.readableBytes)
        context.writeAndFlush(wrapOutboundOut(.whole(head, body))).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }

    private func dispatch(_ head: RequestHead, body: ByteBuffer?, oversized: Bool, context: ChannelHandlerContext) {
        connectionGuard.answering()
        let channel = context.channel
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let routes = self.routes
        task = Task(executorPreference: executor) {
            let answered = await routes.respond(to: head.request, body: body ?? ByteBuffer(), requestID: .next(), oversized: oversized)
            let writer = DataPlaneConnection.writer(for: answered, to: head, channel: channel, connection: handler)
            do {
                try await answered.response.body.write(writer)
            } catch {
                channel.close(promise: nil)
            }
        }
    }

    /// The writer of the answer to `head`, which has its answer's head: held for an answer of
    /// known length, written already for a stream. Out of line, so that the head is built on the
    /// thread's stack rather than in every request task's frame.
    @inline(never)
    private static func writer(
        for answered: DataPlaneAnswer, to head: RequestHead, channel: any Channel, connection: NIOLoopBound<DataPlaneConnection>
    ) -> ResponseWriter {
        let response = answered.response
        let length = response.body.contentLength
        // HTTP/1.0 has no chunked encoding: a streamed answer ends when the connection does.
        let closes = !head.keepAlive || response.headers[.connection] == "close" || (head.isLegacy && length == nil)
        let answer = AnswerHead(
            status: response.status, headerFields: response.headers, isLegacy: head.isLegacy, closes: closes, method: AnswerHead.Method(head.request.method),
            contentLength: length, requestID: answered.requestID, headroom: answered.headroom)
        let writer = ResponseWriter(channel: channel, connection: connection, closes: closes)
        if length != nil {
            // An answer of known length is written whole once its body is.
            writer.held = answer
        } else if head.request.path?.hasPrefix("/mcp/") == true {
            // An MCP stream's head goes out at once: a server's stream may stay silent for minutes. A
            // chat stream's goes with its first chunk, which follows at once, in one write.
            channel.writeAndFlush(AnswerPart.head(answer), promise: nil)
        } else {
            channel.write(AnswerPart.head(answer), promise: nil)
        }
        return writer
    }

    /// Writes an answer's last part. The state changes first: ``RequestReader`` hands over the next
    /// pipelined request as soon as the end is written. The connection closes after the answer
    /// when either side asked for it or the request's body was left unread; a whole answer then
    /// says so in its head.
    fileprivate func finish(_ last: AnswerPart, closes: Bool, channel: any Channel) {
        task = nil
        guard !machine.answerFinished(closes: closes) else {
            connectionGuard.answered()
            channel.writeAndFlush(last, promise: nil)
            return
        }
        var last = last
        if case .whole(var head, let body) = last {
            head.closes = true
            last = .whole(head, body)
        }
        channel.writeAndFlush(last).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Flushes what a stream wrote once this turn of the event loop is over, however many chunks
    /// were written in it: chunks that arrive together (often a stream's last one and its end)
    /// leave in one system call, and none waits longer than the turn.
    fileprivate func flushSoon(_ channel: any Channel) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        channel.eventLoop.execute {
            handler.value.flushScheduled = false
            channel.flush()
        }
    }

    /// Writes a response body to the client connection. A body of known length is held until it
    /// is whole, then goes out with its head in one write; a streamed body is flushed as it comes
    /// (``flushSoon(_:)``), and once the socket's buffer passes its high watermark each write
    /// waits until the socket took it, so a slow client slows the provider's stream instead of
    /// filling memory. A class: the response body takes its writer as an existential, which
    /// holds a reference inline but a larger value in a box of its own, copied at each use.
    private final class ResponseWriter: ResponseBodyWriter {
        let channel: any Channel
        let connection: NIOLoopBound<DataPlaneConnection>
        let closes: Bool
        /// The head of an answer of known length, held with its body until the body is whole.
        var held: AnswerHead?
        var body: ByteBuffer?

        init(channel: any Channel, connection: NIOLoopBound<DataPlaneConnection>, closes: Bool) {
            self.channel = channel
            self.connection = connection
            self.closes = closes
        }

        func write(_ buffer: ByteBuffer) async throws {
            guard held == nil else {
                if body == nil {
                    body = buffer
                } else {
                    body?.writeImmutableBuffer(buffer)
                }
                return
            }
            guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
            if channel.isWritable {
                channel.write(AnswerPart.body(buffer), promise: nil)
                if channel.eventLoop.inEventLoop {
                    connection.value.flushSoon(channel)
                } else {
                    channel.flush()
                }
            } else {
                // The socket's buffer is past its high watermark: wait until this chunk is out.
                try await channel.writeAndFlush(AnswerPart.body(buffer)).get()
            }
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {
            let last: AnswerPart
            if var head = held.take() {
                let body = self.body.take() ?? ByteBuffer()
                // The length sent is the body's own, whatever was declared.
                head.contentLength = body.readableBytes
                last = .whole(head, body)
            } else {
                last = .end(trailingHeaders)
            }
            let (connection, channel, closes) = (self.connection, self.channel, self.closes)
            if channel.eventLoop.inEventLoop {
                connection.value.finish(last, closes: closes, channel: channel)
            } else {
                channel.eventLoop.execute { connection.value.finish(last, closes: closes, channel: channel) }
            }
        }
    }
}
