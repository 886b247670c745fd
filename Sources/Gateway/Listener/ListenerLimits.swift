import GatewayModel
import NIOCore

/// How the data-plane listener bounds its client connections: how many may be open, and how long
/// a client may take over each part of a request.
public struct ListenerLimits: Sendable {
    /// Most client connections open at once.
    public var maxConnections: Int
    /// Time for a whole request head, from its first byte (or from accepting the connection).
    public var headerTimeout: TimeAmount
    /// Longest pause between two reads of a request body.
    public var bodyTimeout: TimeAmount
    /// Time a kept-alive connection may wait for its next request.
    public var idleTimeout: TimeAmount
    /// How often the listener looks for connections past their deadline.
    public var sweepInterval: TimeAmount

    /// Bytes a request head may add to `gateway.maxRequestBytes` in the raw count of a request.
    public static let headAllowance = 64 * 1024

    /// The limits of `settings`; with no `maxConnections` set, room for half the descriptors the
    /// process may open past a reserve (each client connection may hold a provider connection too).
    public init(settings: GatewaySettings, descriptorLimit: Int = DescriptorLimit.current) {
        maxConnections = settings.maxConnections ?? Self.defaultMaxConnections(descriptorLimit: descriptorLimit)
        headerTimeout = .seconds(clamping: settings.headerTimeoutSeconds)
        bodyTimeout = .seconds(clamping: settings.bodyTimeoutSeconds)
        idleTimeout = .seconds(clamping: settings.idleTimeoutSeconds)
        let shortest = min(headerTimeout, bodyTimeout, idleTimeout)
        sweepInterval = min(.milliseconds(250), max(.milliseconds(10), .nanoseconds(shortest.nanoseconds / 4)))
    }

    /// The cap derived from a descriptor limit: half of what is left after a reserve for the
    /// store, the admin listener and provider connections, and never below 16.
    public static func defaultMaxConnections(descriptorLimit: Int) -> Int {
        let reserve = min(256, descriptorLimit / 4)
        return max(16, (descriptorLimit - reserve) / 2)
    }
}

extension TimeAmount {
    /// `seconds` as a time amount, held within what a `TimeAmount` can express.
    public static func seconds(clamping seconds: Double) -> TimeAmount {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        let nanos = seconds * 1e9
        return nanos >= Double(Int64.max) ? .nanoseconds(.max) : .nanoseconds(Int64(nanos))
    }
}
