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
        let id = guarded.routed.caller.base.arrival.requestID
        switch metering.admit(id: id, grant: grant, worstCase: 0, tokens: 0, now: now()) {
        case .success: return MCPAdmitted(guarded: guarded, reservation: Reservation(metering: metering, requestID: id))
        case .failure(let refusal): throw refusal.denial(now: now())
        }
    }
}
