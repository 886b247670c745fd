import GatewayModel
import HTTPTypes
import Telemetry
import WireJSON

import struct Foundation.Date

/// The gates of an MCP request, in the order of the gate table: `reconcile`, `payload`,
/// `key-auth` (scope `mcp`), `tenant-guard`, `routing`, `guardrails` (a tool's arguments), `budget`.
struct MCPAdmissionChain: Sendable {
    let reconcile: ReconcileGate
    let payload = MCPPayloadGate()
    let keyAuth: KeyAuthGate<MCPParsed>
    let tenantGuard: TenantGuardGate
    let routing = MCPRoutingGate()
    let guardrails = MCPGuardrailsGate()
    let budget: MCPBudgetGate

    init(active: ActiveSnapshot, sessions: MCPSessions, metering: Metering, now: @escaping @Sendable () -> Date) {
        budget = MCPBudgetGate(metering: metering, now: now)
        reconcile = ReconcileGate(active: active)
        keyAuth = KeyAuthGate(now: now)
        tenantGuard = TenantGuardGate(sessions: sessions)
    }

    /// Runs every gate, recording each decision in `trace` and what the request was found to be
    /// (project, key, method, tool); rethrows the first denial.
    func run(_ arrival: Arrival, trace: inout RequestTrace) throws(GateDenial) -> MCPAdmitted {
        let origin = arrival.started
        var clock = origin
        do throws(GateDenial) {
            let configured = try reconcile.run(arrival, trace: &trace, origin: origin, clock: &clock)
            let parsed = try payload.run(configured, trace: &trace, origin: origin, clock: &clock)
            trace.requestedModel = RequestTrace.clipped(parsed.message?.method ?? arrival.head.method.rawValue)
            trace.routedModel = RequestTrace.clipped(parsed.message?.tool ?? "")
            let caller = try keyAuth.run(parsed, trace: &trace, origin: origin, clock: &clock)
            trace.attribute(to: caller.grant)
            let tenant: MCPTenant
            do throws(GateDenial) {
                tenant = try tenantGuard.run(caller, trace: &trace, origin: origin, clock: &clock)
            } catch {
                // A refused tool was asked of the key's own project: its server is the caller's to see.
                if error.reason == .toolNotAllowed { trace.provider = MCPPath(target: arrival.head.path ?? "")?.server ?? "" }
                throw error
            }
            trace.provider = tenant.serverName
            let routed = try routing.run(tenant, trace: &trace, origin: origin, clock: &clock)
            let guarded = try guardrails.run(routed, trace: &trace, origin: origin, clock: &clock)
            for finding in guarded.findings { trace.append(finding) }
            return try budget.run(guarded, trace: &trace, origin: origin, clock: &clock)
        } catch {
            if let grant = error.caller { trace.attribute(to: grant) }
            for finding in error.findings { trace.append(finding) }
            throw error
        }
    }
}
