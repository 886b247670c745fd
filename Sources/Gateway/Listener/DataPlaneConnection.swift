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
/// on the connection's own event loop, from callbacks: the gate chain runs at once, the upstream
/// exchange on a connection of the same loop, and a whole answer is written when the provider's
/// is read, with no task. A provider's stream is relayed from the provider connection's reads
/// (``LoopStreamRelay``). A task on the loop (its ``LoopTaskExecutor``) relays an MCP stream or a
/// translated one, and answers an MCP request or one to a provider that translates it. A body
/// that passes the limit is handed over as soon as it does, for the `payload` gate to refuse; the rest is not read.
/// ``RequestReader`` parses the requests, keeps pipelined ones in order, writes the answers and
/// quiesces the connection at shutdown.
/// An HTTP/1.0 client gets HTTP/1.0 answers, kept alive only when it asked, and a streamed answer
/// delimited by closing the connection.
final class DataPlaneConnection: ChannelInboundHandler {
    /// Requests come from ``RequestReader``'s calls of ``received(_:)``, not through the pipeline.
    typealias InboundIn = Never

    private let routes: DataPlaneRoutes
    private let maxBodyBytes: @Sendable () -> Int
    private let logger: Logger
    private let connectionGuard: ConnectionGuard
    private let executor: LoopTaskExecutor
    private var machine = RequestStateMachine<RequestHead>()
    /// What stops the upstream work of the request being answered when the client goes away:
    /// one for the connection, whose requests are answered one at a time.
    private let call: UpstreamCall
    /// The digest of the API key last presented on this connection.
    private let keyMemo = KeyDigestMemo()
    /// The head of the request being answered.
    private var answering: RequestHead?
    /// The task relaying a streamed answer.
    private var task: Task<Void, Never>?
    /// The relay of a provider's stream, driven by its connection's reads, and whether the
    /// connection closes after it; the relay writes to this handler (``StreamOutput``).
    private var relaying: LoopStreamRelay?
    private var relayCloses = false
    /// A flush of a stream's writes is due at the end of this turn of the event loop.
    private var flushScheduled = false

    private var context: ChannelHandlerContext?
    /// The connection's reader, which hands this handler its requests and writes its answers
    /// (``send(_:promise:flush:)``); let go when the handler is removed.
    var reader: RequestReader?

    init(
        routes: DataPlaneRoutes, maxBodyBytes: @escaping @Sendable () -> Int, logger: Logger, connectionGuard: ConnectionGuard,
        executor: LoopTaskExecutor
    ) {
        self.routes = routes
        self.executor = executor
        self.call = UpstreamCall(executor: executor)
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.connectionGuard = connectionGuard
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        reader = nil
    }

    /// The raw request passed the size limit while its body was being read (chunk extensions or
    /// trailers, which the decoder does not hand on): answers it with the `payload` gate's 413 now,
    /// calling `refusing` first, unless its answer is under way already.
    func refuseOversized(_ refusing: () -> Void) {
        guard let context else { return }
        let action = machine.passedLimit()
        guard case .dispatch = action else { return }
        refusing()
        perform(action, context: context)
    }

    /// Takes the next part of the requests read, in order.
    func received(_ part: RequestParser.Part) {
        guard let context else { return }
        switch part {
        case .head(let head):
            guard machine.isIdle else { return }
            connectionGuard.headReceived()
            let action = machine.receivedHead(head, declaredLength: head.declaredLength, limit: maxBodyBytes())
            // A client that waits to send its body is told to once the body is to be read; one
            // declared over the limit gets the 413 instead, and never sends it.
            if case .none = action, head.waitsToSend { send(.proceed, flush: true) }
            perform(action, context: context)
        case .body(let chunk):
            perform(machine.receivedBody(chunk), context: context)
        case .end:
            perform(machine.receivedEnd(), context: context)
        }
    }

    /// Carries out what the state machine decided.
    private func perform(_ action: RequestStateMachine<RequestHead>.Action, context: ChannelHandlerContext) {
        guard case .dispatch(let head, let body, _, let oversized) = action else { return }
        dispatch(head, body: body, oversized: oversized, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client is gone: the request's upstream exchange stops (recorded as `client_closed`).
        call.cancel()
        task.take()?.cancel()
        relaying.take()?.clientGone()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { relaying?.writable() }
        context.fireChannelWritabilityChanged()
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
        sendClosing(.whole(head, body), context: context)
    }

    private func dispatch(_ head: RequestHead, body: ByteBuffer?, oversized: Bool, context: ChannelHandlerContext) {
        connectionGuard.answering()
        answering = head
        // The callback holds this handler alone, which is its context: no allocation for it.
        routes.respond(to: head, body: body ?? ByteBuffer(), requestID: .next(), oversized: oversized, on: context.eventLoop, call: call, keyMemo: keyMemo) {
            [self] answered in
            write(answered)
        }
    }

    /// Writes the answer to the request being answered: a whole one with its head in one write; an
    /// MCP server's stream with its head at once (it may stay silent for minutes) and its chunks
    /// from a task; a provider's stream with its head and chunks flushed at the end of each of
    /// the provider connection's reads (or, translated, by the task that relays it).
    private func write(_ answered: DataPlaneAnswer) {
        guard let head = answering.take(), let context else { return }
        let channel = context.channel
        let answer = answered.answer
        var length: Int?
        if case .whole(let body) = answer.body { length = body.readableBytes }
        // HTTP/1.0 has no chunked encoding: a streamed answer ends when the connection does.
        let closes = !head.keepAlive || answer.headers[.connection] == "close" || (head.isLegacy && length == nil)
        let written = AnswerHead(
            status: answer.status, headerFields: answer.headers, isLegacy: head.isLegacy, closes: closes, method: AnswerHead.Method(head.method),
            contentLength: length, requestID: answered.requestID, headroom: answered.headroom)
        switch answer.body {
        case .whole(let body):
            finish(.whole(written, body), closes: closes)
        case .stream(let body):
            send(.head(written), flush: true)
            relayFromTask(closes: closes, channel: channel) { try await body.write($0) }
        case .relay(let relay):
            send(.head(written), flush: false)
            guard let driven = LoopStreamRelay(relay, on: channel.eventLoop, output: self) else {
                return relayFromTask(closes: closes, channel: channel) { writer in
                    var writer = writer
                    try await relay.run(&writer)
                }
            }
            relaying = driven
            relayCloses = closes
            driven.start()
            if !channel.isActive { relaying.take()?.clientGone() }  // gone before its answer began
        }
    }

    /// Relays a streamed body from a task.
    private func relayFromTask(closes: Bool, channel: any Channel, _ body: @escaping @Sendable (StreamWriter) async throws -> Void) {
        let writer = StreamWriter(channel: channel, connection: NIOLoopBound(self, eventLoop: channel.eventLoop), closes: closes)
        task = Task(executorPreference: executor) {
            do {
                try await body(writer)
            } catch {
                channel.close(promise: nil)
            }
        }
    }

    /// Writes an answer's last part. The state changes first: ``RequestReader`` hands over the next
    /// pipelined request as soon as the end is written. The connection closes after the answer
    /// when either side asked for it or the request's body was left unread; a whole answer then
    /// says so in its head.
    fileprivate func finish(_ last: AnswerPart, closes: Bool) {
        task = nil
        relaying = nil
        guard !machine.answerFinished(closes: closes) else {
            connectionGuard.answered()
            // With other connections on this loop, the answer leaves at the end of the loop's turn:
            // the loop first finishes this request (its teardown) and the other connections' ready
            // events, and only then wakes the client, which on a busy machine would otherwise take
            // the loop's core at once. Alone on its loop, the answer leaves at once.
            if connectionGuard.sharesLoop {
                send(last, flush: false)
                flushSoon()
            } else {
                send(last, flush: true)
            }
            return
        }
        var last = last
        if case .whole(var head, let body) = last {
            head.closes = true
            last = .whole(head, body)
        }
        guard let context else { return }  // removed from a closed channel: nothing to write
        sendClosing(last, context: context)
    }

    /// Writes `last` and closes the connection once it is written.
    private func sendClosing(_ last: AnswerPart, context: ChannelHandlerContext) {
        let written = context.eventLoop.makePromise(of: Void.self)
        send(last, promise: written, flush: true)
        written.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }

    /// Writes `part` of the answer through the reader, which encodes it, and sends it when
    /// `flush`; `promise` completes when its bytes are written.
    fileprivate func send(_ part: AnswerPart, promise: EventLoopPromise<Void>? = nil, flush: Bool) {
        guard let reader else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        reader.send(part, promise: promise)
        if flush { reader.flush() }
    }

    /// Flushes what was written once this turn of the event loop is over, however many parts were
    /// written in it: a stream's chunks that arrive together (often its last one and its end)
    /// leave in one system call, and none waits longer than the turn.
    fileprivate func flushSoon() {
        guard !flushScheduled else { return }
        flushScheduled = true
        connectionGuard.registry.flushAfterTurn(self)
    }

    /// Flushes what was written since ``flushSoon()``; the loop's connections call it at the end of the turn.
    func flushScheduledWrites() {
        flushScheduled = false
        reader?.flush()
    }

    /// Writes a streamed body to the client connection, flushed as it comes (``flushSoon()``).
    /// Once the socket's buffer passes its high watermark each write waits until the socket took
    /// it, so a slow client slows the provider's stream instead of filling memory. A class: the
    /// response body takes its writer as an existential, which holds a reference inline but a
    /// larger value in a box of its own, copied at each use.
    private final class StreamWriter: ResponseBodyWriter {
        let channel: any Channel
        let connection: NIOLoopBound<DataPlaneConnection>
        let closes: Bool

        init(channel: any Channel, connection: NIOLoopBound<DataPlaneConnection>, closes: Bool) {
            self.channel = channel
            self.connection = connection
            self.closes = closes
        }

        func write(_ buffer: ByteBuffer) async throws {
            guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
            let channel = self.channel
            guard !channel.isWritable else {
                return onLoop { connection in
                    connection.send(.body(buffer), flush: false)
                    connection.flushSoon()
                }
            }
            // The socket's buffer is past its high watermark: wait until this chunk is out.
            let written = channel.eventLoop.makePromise(of: Void.self)
            onLoop { $0.send(.body(buffer), promise: written, flush: true) }
            try await written.futureResult.get()
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {
            let closes = self.closes
            onLoop { $0.finish(.end(trailingHeaders), closes: closes) }
        }

        /// Runs `body` with the connection on its event loop: at once when called there.
        private func onLoop(_ body: @escaping @Sendable (DataPlaneConnection) -> Void) {
            let connection = self.connection
            if channel.eventLoop.inEventLoop {
                body(connection.value)
            } else {
                channel.eventLoop.execute { body(connection.value) }
            }
        }
    }
}

/// Where a provider's stream relayed from the event loop writes: this connection.
extension DataPlaneConnection: StreamOutput {
    func write(_ bytes: ByteBuffer) -> Bool {
        guard let context else { return false }
        send(.body(bytes), flush: false)
        return context.channel.isWritable
    }

    func flush() { reader?.flush() }

    func finish() { finish(.end(nil), closes: relayCloses) }
}
