import GatewayModel
import NIOCore
import Telemetry

/// The first handler of a client connection: sees every raw byte before the HTTP decoder, keeps
/// the connection's ``ConnectionDeadlines`` and closes it when the listener's sweep finds it past
/// its deadline. A request whose raw size (chunk extensions and trailers included) passes the
/// limit is handed to the ``DataPlaneConnection`` for the `payload` gate's 413.
final class ConnectionGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var deadlines: ConnectionDeadlines
    private let maxRequestBytes: @Sendable () -> Int
    private let counters: ConnectionCounters
    /// The client connections of this connection's event loop.
    let registry: LoopConnections
    private var context: ChannelHandlerContext?
    /// The connection's HTTP handler, told when a request grows too large.
    weak var connection: DataPlaneConnection?
    /// The deadline a sweep found passed, to close at the next sweep if it has not moved.
    private var overdue: NIODeadline?

    init(limits: ListenerLimits, maxRequestBytes: @escaping @Sendable () -> Int, counters: ConnectionCounters, registry: LoopConnections) {
        self.deadlines = ConnectionDeadlines(limits: limits, now: .now())
        self.maxRequestBytes = maxRequestBytes
        self.counters = counters
        self.registry = registry
    }

    /// The connection waits, its reads held, for another loop to make room for it at the cap.
    var provisional = false

    /// Whether closing this connection for room loses no request in progress, and it is not
    /// itself waiting for room.
    var isIdle: Bool { !provisional && deadlines.isIdle }
    /// Since when the connection has been waiting.
    var idleSince: NIODeadline { deadlines.since }
    /// Whether other client connections are served on this connection's event loop.
    var sharesLoop: Bool { registry.count > 1 }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        registry.insert(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        registry.remove(self)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        registry.remove(self)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        let limit = maxRequestBytes().saturatingAdd(ListenerLimits.headAllowance)
        let tooLarge = deadlines.read(count, now: .now(), limit: limit)
        context.fireChannelRead(data)
        if tooLarge, let connection {
            // Counted before the answer, which may be written at once.
            connection.refuseOversized { [counters] in counters.countClosed(.requestTooLarge) }
        }
    }

    /// The request head was parsed.
    func headReceived() { deadlines.headReceived(now: .now()) }

    /// The request is being answered.
    func answering() { deadlines.answering() }

    /// The answer was written; the connection waits for the next request.
    func answered() { deadlines.answered(now: .now()) }

    /// Closes the connection when it is past its deadline; called by the sweep on its event loop.
    ///
    /// A connection is closed at the second sweep that finds the same deadline passed, not the
    /// first: a loop held up past a deadline may not yet have read what arrived in time (a whole
    /// head waiting in the socket), and it reads before the next sweep, which moves the deadline.
    /// A deadline is thus enforced up to one sweep interval (at most 250 ms) late.
    func sweep(now: NIODeadline) {
        guard let reason = deadlines.expired(at: now), let context else { return }
        guard overdue == deadlines.deadline else {
            overdue = deadlines.deadline
            return
        }
        counters.countClosed(reason)
        registry.remove(self)
        context.close(promise: nil)
    }

    /// Closes an idle connection to make room for a new one.
    func shed() {
        guard let context else { return }
        counters.countClosed(.shed)
        registry.remove(self)
        context.close(promise: nil)
    }
}
