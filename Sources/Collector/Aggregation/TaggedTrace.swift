import GatewayModel
import Telemetry

/// A trace with the org its project maps to (``OrgMapping/unattributed`` when none).
public struct TaggedTrace: Sendable {
    /// The owning org.
    public let org: String
    /// The trace.
    public let trace: RequestTrace
}
