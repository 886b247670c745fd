import Telemetry

/// A trace as it waits for export: the trace, the org that owns it, and what the mapping says of
/// its provider at the time it was collected.
struct ExportedTrace: Sendable {
    /// The trace.
    let trace: RequestTrace
    /// The owning org (``GatewayModel/OrgMapping/unattributed`` when none).
    let org: String
    /// The provider's kind (`gen_ai.provider.name`), if a provider was tried and is configured.
    let providerKind: String?
    /// The host of the provider's base URL (`server.address`).
    let serverAddress: String?

    /// The spans it becomes: the root, one per gate, and the upstream exchange when a provider was tried.
    var spanCount: Int { 1 + trace.gateCount + (trace.attempts > 0 ? 1 : 0) }
}
