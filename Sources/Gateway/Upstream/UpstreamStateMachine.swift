import GatewayModel
import NIOCore
import NIOHTTP1

/// The life of one exchange at a time on a provider connection, apart from NIO: the handler
/// feeds it the answer's parts, timer expiries and failures, and carries out what it answers.
/// A 2xx answer to a streamed request is handed over at its head and streamed; every other
/// answer is collected whole, up to its size limit.
struct UpstreamStateMachine<InFlight: UpstreamExchangeTerms, Stream> {
    private enum State {
        case idle
        case waitingForHead(InFlight)
        case collecting(InFlight, UpstreamHead, ByteBuffer, keepAlive: Bool)
        case streaming(InFlight, Stream, keepAlive: Bool)
        case closed
    }

    /// What the handler does next.
    enum Action {
        /// Nothing yet.
        case none
        /// A streamed answer started: hand the reader's side of the stream `makeStream` made to the exchange.
        case startStream(InFlight, UpstreamHead)
        /// Pass a chunk to the stream.
        case forward(Stream, ByteBuffer)
        /// The whole answer is in; the connection goes back to the pool when `keepAlive`, else closes.
        case complete(InFlight, UpstreamHead, ByteBuffer, keepAlive: Bool)
        /// The stream ended; the connection goes back to the pool when `keepAlive` (the provider did
        /// not answer `Connection: close`), else closes.
        case endStream(InFlight, Stream, keepAlive: Bool)
        /// The exchange failed: fail it (its caller, or its stream) and close the connection for good.
        case fail(InFlight?, Stream?, UpstreamConnection.Failure)
        /// The timer fired before the whole answer's deadline: set it again for that deadline.
        case reschedule(NIODeadline)
    }

    private var state = State.idle

    /// Whether an exchange can start: the connection carries none and is not closed.
    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// The stream of the answer being streamed, if one is.
    var stream: Stream? {
        if case .streaming(_, let stream, _) = state { return stream }
        return nil
    }

    /// An exchange was written; its answer is awaited.
    mutating func started(_ exchange: InFlight) {
        state = .waitingForHead(exchange)
    }

    /// The answer's head, and whether the connection can be reused after it; `makeStream` makes
    /// the stream of a streamed 2xx answer.
    mutating func receivedHead(_ head: UpstreamHead, keepAlive: Bool, makeStream: () -> Stream) -> Action {
        guard case .waitingForHead(let exchange) = state else { return failed(.broken("unexpected HTTP part from the provider")) }
        if exchange.stream && (200..<300).contains(head.status.code) {
            let stream = makeStream()
            state = .streaming(exchange, stream, keepAlive: keepAlive)
            return .startStream(exchange, head)
        }
        state = .collecting(exchange, head, ByteBuffer(), keepAlive: keepAlive)
        return .none
    }

    /// A chunk of the answer's body.
    mutating func receivedBody(_ chunk: ByteBuffer) -> Action {
        switch state {
        case .collecting(let exchange, let head, var body, let keepAlive):
            guard body.readableBytes.saturatingAdd(chunk.readableBytes) <= exchange.maxBytes else { return failed(.tooLarge) }
            if body.readableBytes == 0 {
                body = chunk  // most answers arrive in one chunk: keep it as read, no copy
            } else {
                state = .idle  // let `body` be the only reference while it grows
                body.writeImmutableBuffer(chunk)
            }
            state = .collecting(exchange, head, body, keepAlive: keepAlive)
            return .none
        case .streaming(_, let stream, _):
            return .forward(stream, chunk)
        case .idle, .waitingForHead, .closed:
            return failed(.broken("unexpected HTTP part from the provider"))
        }
    }

    /// The answer's end.
    mutating func receivedEnd() -> Action {
        switch state {
        case .collecting(let exchange, let head, let body, let keepAlive):
            state = keepAlive ? .idle : .closed
            return .complete(exchange, head, body, keepAlive: keepAlive)
        case .streaming(let exchange, let stream, let keepAlive):
            state = keepAlive ? .idle : .closed
            return .endStream(exchange, stream, keepAlive: keepAlive)
        case .idle, .waitingForHead, .closed:
            return failed(.broken("unexpected HTTP part from the provider"))
        }
    }

    /// The exchange's timer fired at `now`: an answer whose head came in time runs on until its
    /// own deadline; otherwise the exchange timed out.
    mutating func timerFired(now: NIODeadline) -> Action {
        switch state {
        case .collecting(let exchange, _, _, _), .streaming(let exchange, _, _):
            if now < exchange.deadline { return .reschedule(exchange.deadline) }
        case .waitingForHead, .idle, .closed:
            break
        }
        return failed(.timeout)
    }

    /// The provider closed or reset the connection: before any byte of an answer was read
    /// (`answerBegun` false) the request may be sent again on a new connection; mid-answer it is
    /// broken, for `reason`.
    mutating func closed(answerBegun: Bool, reason: String = "the provider closed the connection mid-answer") -> Action {
        if case .waitingForHead = state, !answerBegun { return failed(.closedBeforeResponse) }
        return failed(.broken(reason))
    }

    /// The exchange in flight, if any, failed with `failure`; the connection is done for good.
    mutating func failed(_ failure: UpstreamConnection.Failure) -> Action {
        let previous = state
        state = .closed
        switch previous {
        case .waitingForHead(let exchange), .collecting(let exchange, _, _, _): return .fail(exchange, nil, failure)
        case .streaming(let exchange, let stream, _): return .fail(exchange, stream, failure)
        case .idle, .closed: return .fail(nil, nil, failure)
        }
    }
}
