import Telemetry

/// Where the collector reads request traces from: a ring in this process, or a remote gateway's.
public protocol TelemetrySource: Sendable {
    /// A name for the source, used as the `source` label of pipeline metrics.
    var name: String { get }
    /// Traces from `cursor` on (a bounded batch), with the count overwritten before they could be read.
    func read(from cursor: UInt64) async throws -> RingBatch
}
