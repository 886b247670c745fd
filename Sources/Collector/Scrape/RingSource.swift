import Telemetry

/// The ring of the gateway running in this process.
public struct RingSource: TelemetrySource {
    let ring: TelemetryRing
    /// The source name, the `source` label of the scrape metrics.
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
