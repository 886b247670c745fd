import GatewayModel
import Telemetry

import struct Foundation.Date

/// The gates in front of the upstream, in the order of the gate table. Each gate reads the stage
/// the one before it produced, so no gate can run before what it relies on; a new gate is a new
/// file, a property and a line in ``run(_:trace:)``.
struct AdmissionChain: Sendable {
    let reconcile: ReconcileGate
    let payload = PayloadGate()
    let keyAuth: KeyAuthGate<Parsed>
    let routing = RoutingGate()
    let guardrails = GuardrailsGate()
    let budget: BudgetGate

    /// The chain over the configuration in `active`, metering budgets and limits in `metering`.
    init(active: ActiveSnapshot, metering: Metering, now: @escaping @Sendable () -> Date) {
        reconcile = ReconcileGate(active: active)
        keyAuth = KeyAuthGate(now: now)
        budget = BudgetGate(metering: metering, now: now)
    }

    /// Runs every gate, recording each decision as a span of `trace` and what the request was
    /// found to be (project, key, model) as its attributes; rethrows the first denial.
    func run(_ arrival: Arrival, trace: inout RequestTrace) throws(GateDenial) -> Admitted {
        let origin = arrival.started
        var clock = origin
        do {
            let configured = try reconcile.run(arrival, trace: &trace, origin: origin, clock: &clock)
            let parsed = try payload.run(configured, trace: &trace, origin: origin, clock: &clock)
            trace.requestedModel = RequestTrace.clipped(parsed.payload.model)
            let caller = try keyAuth.run(parsed, trace: &trace, origin: origin, clock: &clock)
            trace.attribute(to: caller.grant)
            let routed = try routing.run(caller, trace: &trace, origin: origin, clock: &clock)
            let guarded = try guardrails.run(routed, trace: &trace, origin: origin, clock: &clock)
            for finding in guarded.findings { trace.append(finding) }
            return try budget.run(guarded.routed, trace: &trace, origin: origin, clock: &clock)
        } catch {
            if let grant = error.caller { trace.attribute(to: grant) }
            for finding in error.findings { trace.append(finding) }
            throw error
        }
    }
}
