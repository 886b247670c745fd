import GatewayModel
import Telemetry

/// The org a trace belongs to and its bounded label values, as every view of the telemetry
/// (Prometheus, the APIs, OTLP) tags it.
struct TraceLabels {
    /// The owning org, ``OrgMapping/unattributed`` when the project maps to none.
    let org: String
    /// The project when the mapping knows it; `none` before `key-auth`, `other` for an unknown one.
    let project: String
    /// The requested model when configured, else `other` (`none` when empty).
    let model: String
    /// The provider when configured, else `other`; empty when no provider was tried.
    let provider: String

    /// The labels of `trace` under `mapping`.
    init(_ trace: RequestTrace, mapping: OrgMapping) {
        let known = mapping.orgByProject[trace.projectID]
        org = known ?? OrgMapping.unattributed
        project = known != nil ? trace.projectID : (trace.projectID.isEmpty ? "none" : "other")
        model = Self.bounded(trace.requestedModel, in: mapping.models)
        provider = trace.provider.isEmpty ? "" : Self.bounded(trace.provider, in: mapping.providers)
    }

    /// `value` when it is one of the configured names, else `other` (`none` when empty).
    static func bounded(_ value: String, in known: Set<String>) -> String {
        value.isEmpty ? "none" : (known.contains(value) ? value : "other")
    }
}
