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
    /// The minute of `trace`'s start, with its labels.
    init(trace: borrowing RequestTrace, org: String, project: String, model: String) {
        self.init(minute: Int64(trace.startUnixNanos / 60_000_000_000), org: org, project: project, model: model)
    }
}
