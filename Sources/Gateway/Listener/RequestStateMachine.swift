import NIOCore

/// The life of the requests on one data-plane connection, apart from NIO: the handler feeds it
/// what the decoder read and carries out what it answers. A body is collected up to the limit;
/// the request is handed over when its end arrives or as soon as it passes the limit (its rest
/// is never read, and the connection closes after the answer).
struct RequestStateMachine<Head> {
    private enum State {
        /// Between requests.
        case idle
        /// A head arrived; its body is being collected.
        case receiving(Head, ByteBuffer?)
        /// The request is being answered; `requestEnded` tells whether its whole body was read.
        case responding(requestEnded: Bool)
    }

    /// What the handler does next.
    enum Action {
        /// Nothing yet: keep reading.
        case none
        /// Answer `head` with `body`; `ended` tells whether the body is complete, `oversized`
        /// that the raw request passed the limit before it was.
        case dispatch(Head, body: ByteBuffer?, ended: Bool, oversized: Bool)
    }

    private var state = State.idle
    private var limit = 0

    /// Whether no request is in progress.
    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// A request head: collect its body, or answer at once when its declared length is over `limit`.
    mutating func receivedHead(_ head: Head, declaredLength: Int?, limit: Int) -> Action {
        guard case .idle = state else { return .none }
        self.limit = limit
        if let declaredLength, declaredLength > limit {
            state = .responding(requestEnded: false)
            return .dispatch(head, body: nil, ended: false, oversized: false)
        }
        state = .receiving(head, nil)
        return .none
    }

    /// A chunk of the body; the rest of a refused body is dropped.
    mutating func receivedBody(_ chunk: ByteBuffer) -> Action {
        guard case .receiving(let head, var body) = state else { return .none }
        state = .idle  // keeps `body` uniquely referenced while it grows
        if var collected = body {
            collected.writeImmutableBuffer(chunk)
            body = collected
        } else {
            body = chunk
        }
        if let body, body.readableBytes > limit {
            state = .responding(requestEnded: false)
            return .dispatch(head, body: body, ended: false, oversized: false)
        }
        state = .receiving(head, body)
        return .none
    }

    /// The end of a request.
    mutating func receivedEnd() -> Action {
        switch state {
        case .receiving(let head, let body):
            state = .responding(requestEnded: true)
            return .dispatch(head, body: body, ended: true, oversized: false)
        case .responding:
            state = .responding(requestEnded: true)
            return .none
        case .idle:
            return .none
        }
    }

    /// The raw request passed the size limit in bytes the decoder does not hand on (chunk
    /// extensions, trailers): answer what was collected now.
    mutating func passedLimit() -> Action {
        guard case .receiving(let head, let body) = state else { return .none }
        state = .responding(requestEnded: false)
        return .dispatch(head, body: body, ended: false, oversized: true)
    }

    /// A request that cannot be read is being refused.
    mutating func refusing() { state = .responding(requestEnded: false) }

    /// The answer's end is being written; returns whether the connection stays open: not when
    /// either side asked to close (`closes`), nor when the request's body was left unread.
    mutating func answerFinished(closes: Bool) -> Bool {
        var keepsOpen = !closes
        if case .responding(let requestEnded) = state, !requestEnded { keepsOpen = false }
        state = .idle
        return keepsOpen
    }
}
