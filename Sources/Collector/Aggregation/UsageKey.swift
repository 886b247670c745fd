import GatewayModel
import Telemetry

/// Per-minute usage of one org, project and model.
struct UsageKey: Hashable {
    var minute: Int64
    var org: String
    var project: String
    var model: String
}

extension UsageKey {
    /// The minute of the start of the trace at `trace`.
    static func minute(of trace: UnsafePointer<RequestTrace>) -> Int64 { Int64(trace.pointee.startUnixNanos / 60_000_000_000) }
}
