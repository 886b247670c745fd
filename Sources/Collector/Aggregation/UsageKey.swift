import GatewayModel
import Telemetry

/// Per-minute usage of one org, project and model.
struct UsageKey: Hashable {
    var minute: Int64
    var org: String
    var project: String
    var model: String
}
