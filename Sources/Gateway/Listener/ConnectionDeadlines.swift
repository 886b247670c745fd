import NIOCore
import Telemetry

/// Where one client connection is in its request cycle, when it must have made progress by, and
/// how many raw bytes its current request took: a plain state machine, fed by the connection's
/// handlers and asked by the listener's sweep.
///
/// - Waiting for a request: a new connection has the header timeout, a kept-alive one the idle timeout.
/// - Reading a head: the whole head must arrive within the header timeout of its first byte.
/// - Reading a body: each read must come within the body timeout of the one before.
/// - Answering: no deadline; the provider's own timeouts bound the answer.
struct ConnectionDeadlines {
    /// The request cycle's phases.
    enum Phase: Equatable {
        case awaitingRequest(keptAlive: Bool)
        case readingHead
        case readingBody
        case answering
    }

    private let limits: ListenerLimits
    private(set) var phase: Phase
    /// When the connection must have moved on; nil while answering.
    private(set) var deadline: NIODeadline?
    /// When the current wait began: the oldest idle connection is the first to close for room.
    private(set) var since: NIODeadline
    /// Raw bytes of the current request (head, body, chunk framing, trailers).
    private(set) var requestBytes = 0

    init(limits: ListenerLimits, now: NIODeadline) {
        self.limits = limits
        phase = .awaitingRequest(keptAlive: false)
        deadline = now + limits.headerTimeout
        since = now
    }

    /// Whether the connection holds no request in progress past its head's first bytes, so that
    /// closing it for room loses no work.
    var isIdle: Bool {
        switch phase {
        case .awaitingRequest, .readingHead: true
        case .readingBody, .answering: false
        }
    }

    /// Bytes arrived; returns whether the request's raw size now passes `limit`.
    mutating func read(_ count: Int, now: NIODeadline, limit: Int) -> Bool {
        switch phase {
        case .awaitingRequest:
            phase = .readingHead
            deadline = now + limits.headerTimeout
            requestBytes = count
        case .readingHead:
            requestBytes = requestBytes.addingReportingOverflow(count).partialValue
        case .readingBody:
            requestBytes = requestBytes.addingReportingOverflow(count).partialValue
            deadline = now + limits.bodyTimeout
        case .answering:
            return false  // a pipelined request's bytes, held by the pipeline until its turn
        }
        return requestBytes > limit
    }

    /// The request head was parsed; its body follows.
    mutating func headReceived(now: NIODeadline) {
        if phase != .readingHead { requestBytes = 0 }  // a pipelined head read while answering
        phase = .readingBody
        deadline = now + limits.bodyTimeout
    }

    /// The request is being answered (its body is complete, or will not be read).
    mutating func answering() {
        phase = .answering
        deadline = nil
    }

    /// The answer is written and the connection stays open for the next request.
    mutating func answered(now: NIODeadline) {
        phase = .awaitingRequest(keptAlive: true)
        deadline = now + limits.idleTimeout
        since = now
        requestBytes = 0
    }

    /// Why the connection must close at `now`, if its deadline passed.
    func expired(at now: NIODeadline) -> ConnectionCounters.Closure? {
        guard let deadline, now >= deadline else { return nil }
        switch phase {
        case .awaitingRequest(let keptAlive): return keptAlive ? .idleTimeout : .headerTimeout
        case .readingHead: return .headerTimeout
        case .readingBody: return .bodyTimeout
        case .answering: return nil
        }
    }
}
