import NIOCore

/// Reads a client connection's requests with ``RequestParser``, keeps pipelined requests in
/// order, and quiesces the connection at shutdown, without pausing the socket between requests.
///
/// A request is parsed only once the answer before it has ended: what arrives while an answer is
/// pending (a pipelining client's next requests, or bytes that are not HTTP) waits unparsed, and
/// only while such bytes wait are reads withheld, so no more than one read's worth is held. NIO's
/// `HTTPServerPipelineHandler` instead stops reading whenever an answer is pending and starts
/// again after it, which costs two `epoll_ctl` calls per request on every kept-alive connection.
/// Bytes that are not HTTP are reported once, as ``RequestParser/Invalid``, after the answers
/// before them; what follows them is dropped. At shutdown an idle connection closes at once, a
/// busy one after its answer, which then says `Connection: close`.
///
/// The parts go to the connection's ``DataPlaneConnection`` by a direct call rather than through
/// the pipeline, which would box each part and cast it back; its answers come back the same way
/// (``send(_:promise:)``), are encoded by an ``AnswerEncoder`` and leave from this handler's
/// context, the last before the socket on the way out.
final class RequestReader: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IOData

    /// Where the connection is between a request and its answer.
    private enum Exchange {
        /// No request handed on is unanswered.
        case idle
        /// A request's head was handed on, its end not yet, nor its answer's.
        case receiving
        /// A whole request was handed on; its answer is pending.
        case answering
        /// The answer ended before the request did (an early refusal): the rest of it is handed on.
        case answeredEarly
    }

    private let connection: DataPlaneConnection
    private var encoder = AnswerEncoder()
    private var context: ChannelHandlerContext?
    private var parser = RequestParser()
    private var exchange = Exchange.idle
    private var failed = false
    private var readWithheld = false
    private var quiescing = false
    /// Whether ``parse(context:)`` is handing parts on: an answer written from inside it (one
    /// decided at once, such as a refusal) lets its loop go on, rather than starting another
    /// inside it, so a pipelined burst is answered in a loop and not by recursion.
    private var parsing = false

    /// Reads the requests that `connection` answers.
    init(connection: DataPlaneConnection) { self.connection = connection }

    /// Whether bytes wait unparsed for the pending answer.
    private var holding: Bool { exchange == .answering && parser.hasUnparsedBytes }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        encoder.reset()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        parser.append(unwrapInboundIn(data))
        parse(context: context)
    }

    func read(context: ChannelHandlerContext) {
        guard !holding else {
            readWithheld = true
            return
        }
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        quiescing = true
        if exchange == .idle || exchange == .answeredEarly { context.close(promise: nil) }
    }

    /// Writes a part of the answer, to leave with the next ``flush()`` (or at once when `promise`
    /// waits for it). Once the answer has ended, the next request read is handed on; at shutdown
    /// the connection closes after it instead.
    func send(_ part: AnswerPart, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        guard part.endsAnswer else {
            encoder.write(quiescing ? Self.closing(part) : part, promise: promise, context: context)
            return
        }
        exchange = exchange == .receiving ? .answeredEarly : .idle
        guard !quiescing else {
            let written = context.eventLoop.makePromise(of: Void.self)
            encoder.write(Self.closing(part), promise: written, context: context)
            written.futureResult.flatMap { [context = context.loopBound] in context.value.close() }.cascade(to: promise)
            return
        }
        encoder.write(part, promise: promise, context: context)
        parse(context: context)
    }

    /// Sends what was written.
    func flush() {
        guard let context else { return }
        encoder.flush(context: context)
    }

    /// Hands on the parts of the bytes read until an answer is pending or the bytes run out; at
    /// shutdown, no new request is started.
    private func parse(context: ChannelHandlerContext) {
        guard !parsing else { return }
        parsing = true
        defer {
            parsing = false
            if readWithheld && !holding {
                readWithheld = false
                context.read()
            }
        }
        while !failed && exchange != .answering && !(quiescing && exchange == .idle) {
            let part: RequestParser.Part
            do {
                guard let next = try parser.next() else { return }
                part = next
            } catch {
                failed = true
                context.fireErrorCaught(error)
                return
            }
            switch part {
            case .head: exchange = .receiving
            case .body: break
            case .end: exchange = exchange == .answeredEarly ? .idle : .answering
            }
            connection.received(part)
        }
    }

    /// The part as it is written at shutdown: a head says the connection closes after the answer.
    private static func closing(_ part: AnswerPart) -> AnswerPart {
        switch part {
        case .head(var head):
            head.closes = true
            return .head(head)
        case .whole(var head, let body):
            head.closes = true
            return .whole(head, body)
        case .proceed, .body, .end:
            return part
        }
    }
}
