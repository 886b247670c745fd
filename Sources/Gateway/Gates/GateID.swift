/// The id of a gate in the chain, as it appears in the `x-gateway-gate` header, error bodies and telemetry.
public enum GateID: String, Sendable, CaseIterable {
    /// 503 until a configuration has been applied.
    case reconcile
    /// 413 for bodies over the limit, 400 for bodies that are not a valid request.
    case payload
    /// 401 for a missing, unknown, revoked or expired key; 403 for a key not scoped for the endpoint.
    case keyAuth = "key-auth"
    /// 403 for a key on another project's MCP path, another's session or a tool it may not call; 400 for a path that is not canonical.
    case tenantGuard = "tenant-guard"
    /// 404 for a model the key's project does not route.
    case routing
    /// 403 when a prompt or an answer matched a blocking guardrail.
    case guardrails
    /// 429 over a USD budget or a requests- or tokens-per-minute limit.
    case budget
    /// 503 (504 on timeout) when every provider target failed.
    case upstream
}
