import GatewayModel

import struct Foundation.Date

/// The `budget` gate of MCP requests: the key's and project's requests-per-minute limits (429
/// with `retry-after`), and a budget already spent, as for model requests. An MCP request costs
/// nothing and counts no tokens; it holds one request against each limit.
struct MCPBudgetGate: Gate {
    let metering: Metering
    let now: @Sendable () -> Date
    var id: GateID { .budget }

    func evaluate(_ guarded: MCPGuarded) throws(GateDenial) -> MCPAdmitted {
        let grant = guarded.routed.caller.grant
        guard !grant.budgets.isEmpty || !grant.limits.isEmpty else { return MCPAdmitted(guarded: guarded, reservation: nil) }
        switch metering.admit(grant: grant, worstCase: 0, tokens: 0, now: now()) {
        case .success(let (_, hold)): return MCPAdmitted(guarded: guarded, reservation: hold.map { Reservation(metering: metering, hold: $0) })
        case .failure(let refusal): throw refusal.denial(now: now())
        }
    }
}
