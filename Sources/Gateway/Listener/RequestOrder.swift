import DequeModule
import NIOCore

/// Keeps a connection's pipelined requests in order, and quiesces it at shutdown, without pausing
/// the socket between requests.
///
/// NIO's `HTTPServerPipelineHandler` stops reading whenever an answer is pending and starts again
/// after it, which costs two `epoll_ctl` calls per request on every kept-alive connection. Here the
/// socket stays registered: what arrives after a complete request whose answer is pending (a
/// pipelining client's next requests, or a parse error) waits in a queue, and only while that
/// queue holds something are reads withheld, so it never holds more than one read's worth.
/// At shutdown an idle connection closes at once, a busy one after its answer, which then says
/// `Connection: close`.
final class RequestOrder: ChannelDuplexHandler {
    typealias InboundIn = RequestParser.Part
    typealias InboundOut = RequestParser.Part
    typealias OutboundIn = AnswerPart
    typealias OutboundOut = AnswerPart

    private enum Waiting {
        case part(RequestParser.Part)
        case error(any Error)
    }

    /// Where the connection is between a request and its answer.
    private enum Exchange {
        /// No request delivered is unanswered.
        case idle
        /// A request was delivered, its end not yet, nor its answer's.
        case receiving
        /// A whole request was delivered; its answer is pending.
        case answering
        /// The answer ended before the request did (an early refusal): the rest of it is passed on.
        case answeredEarly
    }

    private var exchange = Exchange.idle
    private var waiting: Deque<Waiting> = []
    private var readWithheld = false
    private var quiescing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard waiting.isEmpty, exchange != .answering else {
            if !quiescing { waiting.append(.part(part)) }
            return
        }
        deliver(part, context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is RequestParser.Invalid, !waiting.isEmpty || exchange == .answering else {
            context.fireErrorCaught(error)
            return
        }
        if !quiescing { waiting.append(.error(error)) }
    }

    func read(context: ChannelHandlerContext) {
        guard waiting.isEmpty else {
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
        waiting.removeAll()
        if exchange == .idle || exchange == .answeredEarly { context.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        let written = quiescing ? wrapOutboundOut(Self.closing(part)) : data
        guard part.endsAnswer else {
            context.write(written, promise: promise)
            return
        }
        exchange = exchange == .receiving ? .answeredEarly : .idle
        guard !quiescing else {
            context.write(written).flatMap { [context = context.loopBound] in context.value.close() }.cascade(to: promise)
            return
        }
        context.write(written, promise: promise)
        deliverWaiting(context: context)
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
        case .body, .end:
            return part
        }
    }

    private func deliver(_ part: RequestParser.Part, context: ChannelHandlerContext) {
        switch part {
        case .head: exchange = .receiving
        case .body: break
        case .end: exchange = exchange == .answeredEarly ? .idle : .answering
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Hands on what waited until the next whole request (or an error), then reads again if reads were withheld.
    private func deliverWaiting(context: ChannelHandlerContext) {
        while exchange != .answering, let next = waiting.popFirst() {
            switch next {
            case .part(let part): deliver(part, context: context)
            case .error(let error): context.fireErrorCaught(error)
            }
        }
        if waiting.isEmpty && readWithheld {
            readWithheld = false
            context.read()
        }
    }
}
