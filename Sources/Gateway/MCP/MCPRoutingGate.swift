import GatewayModel
import HTTPTypes
import WireJSON

/// The `routing` gate of MCP requests: the key's project has a server of the path's name (404).
struct MCPRoutingGate: Gate {
    var id: GateID { .routing }

    func evaluate(_ tenant: MCPTenant) throws(GateDenial) -> MCPRouted {
        let caller = tenant.caller
        guard let server = caller.base.snapshot.mcpServer(named: tenant.serverName, project: caller.grant.projectID) else {
            throw GateDenial(
                gate: .routing, status: .notFound, reason: .mcpServerUnknown,
                message: "Project '\(caller.grant.projectID)' has no MCP server '\(tenant.serverName)'.")
        }
        return MCPRouted(caller: caller, server: server)
    }
}
