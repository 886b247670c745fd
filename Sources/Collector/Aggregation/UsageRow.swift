import GatewayModel
import Telemetry

/// One group of a usage answer.
public struct UsageRow: Sendable, Equatable {
    /// Group values by dimension (`project`, `model`).
    public var group: [String: String]
    /// The counts.
    public var counts: UsageCounts
}
