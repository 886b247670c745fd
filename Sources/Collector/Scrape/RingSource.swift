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

    /// Reads up to ``batchLimit`` traces. The ring copies them out in short holds of its lock
    /// (``TelemetryRing/read(into:limit:)``); the batch is folded as one, so the fold's cost per
    /// batch is spread wide.
    public func read(from cursor: UInt64) async throws -> RingBatch {
        var batch = RingBatch(traces: [], dropped: 0, nextCursor: cursor, written: 0, capacity: ring.capacity)
        // Room at once for what is waiting and for one step's worth arriving meanwhile: a trace is
        // large, and growing the array step by step would move the traces read so far each time.
        let written = ring.written
        let waiting = Int(min(UInt64(Self.batchLimit), written - min(written, cursor)))
        if waiting > 0 { batch.traces.reserveCapacity(min(Self.batchLimit, waiting + TelemetryRing.readStep)) }
        ring.read(into: &batch, limit: Self.batchLimit)
        return batch
    }

    /// Most traces in one batch.
    static let batchLimit = 256
}
