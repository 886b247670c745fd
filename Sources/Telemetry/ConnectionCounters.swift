import Synchronization

/// The data plane's connection counters: open connections, what was accepted and refused, and why
/// connections were closed; served with the ring's batches.
public final class ConnectionCounters: Sendable {
    /// Why the gateway closed a client connection.
    public enum Closure: Int, CaseIterable, Sendable, CustomStringConvertible {
        /// The request head did not arrive in time (`gateway.headerTimeoutSeconds`).
        case headerTimeout
        /// The body stopped arriving (`gateway.bodyTimeoutSeconds` without progress).
        case bodyTimeout
        /// A kept-alive connection stayed idle (`gateway.idleTimeoutSeconds`).
        case idleTimeout
        /// An idle connection was closed to make room for a new one at `gateway.maxConnections`.
        case shed
        /// The raw request (head, chunk framing and trailers included) passed the size limit.
        case requestTooLarge

        /// A one-line description for logs and messages.
        public var description: String {
            switch self {
            case .headerTimeout: "header_timeout"
            case .bodyTimeout: "body_timeout"
            case .idleTimeout: "idle_timeout"
            case .shed: "shed"
            case .requestTooLarge: "request_too_large"
            }
        }
    }

    /// The counters at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// Client connections open now.
        public var open: UInt64 = 0
        /// Client connections accepted since start (one that waited at the cap for another loop to
        /// make room, and was refused when none could, counts here and in ``refused``).
        public var accepted: UInt64 = 0
        /// Connections refused at the cap with no idle one to close instead.
        public var refused: UInt64 = 0
        /// Connections the gateway closed, by ``Closure`` raw value.
        public var closed: [UInt64] = Array(repeating: 0, count: Closure.allCases.count)

        /// Zero counters.
        public init() {}
    }

    private let open = Atomic<Int>(0)
    private let accepted = Atomic<UInt64>(0)
    private let refused = Atomic<UInt64>(0)
    /// Closures are rare (timeouts, room made at the cap): a lock is cheap enough for them.
    private let closed = Mutex<[UInt64]>(Array(repeating: 0, count: Closure.allCases.count))

    /// Counters at zero.
    public init() {}

    /// Open connections now.
    public var openCount: Int { open.load(ordering: .relaxed) }

    /// Counts an accepted connection as open.
    public func opened() {
        open.add(1, ordering: .relaxed)
        accepted.add(1, ordering: .relaxed)
    }

    /// Counts an open connection as gone.
    public func ended() { open.subtract(1, ordering: .relaxed) }

    /// Counts a connection refused at the cap.
    public func countRefused() { refused.add(1, ordering: .relaxed) }

    /// Counts a connection the gateway closed for `reason`.
    public func countClosed(_ reason: Closure) { closed.withLock { $0[reason.rawValue] &+= 1 } }

    /// The counters now.
    public func snapshot() -> Snapshot {
        var snapshot = Snapshot()
        snapshot.open = UInt64(max(0, open.load(ordering: .relaxed)))
        snapshot.accepted = accepted.load(ordering: .relaxed)
        snapshot.refused = refused.load(ordering: .relaxed)
        snapshot.closed = closed.withLock { $0 }
        return snapshot
    }
}
