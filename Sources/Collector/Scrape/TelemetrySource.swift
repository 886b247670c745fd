import Telemetry

/// Where the collector reads request traces from: a ring in this process, or a remote gateway's.
public protocol TelemetrySource: Sendable {
    /// A name for the source, used as the `source` label of pipeline metrics.
    var name: String { get }
    /// Traces from `cursor` on (a bounded batch), with the count overwritten before they could be read.
    func read(from cursor: UInt64) async throws -> RingBatch
}

/// The ring of the gateway running in this process.
public struct RingSource: TelemetrySource {
    let ring: TelemetryRing
    public let name: String

    /// Reads `ring`, labelled `name`.
    public init(ring: TelemetryRing, name: String = "local") {
        self.ring = ring
        self.name = name
    }

    /// Small reads keep the ring's lock short: the collector's thread runs at a lower priority,
    /// and a request thread must never wait on it for long.
    public func read(from cursor: UInt64) async throws -> RingBatch { ring.read(from: cursor, limit: Self.readLimit) }

    /// Traces copied per hold of the ring's lock.
    static let readLimit = 32
}
