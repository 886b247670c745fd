import GatewayModel
import HTTPTypes
import WireJSON
import Telemetry

/// The `tenant-guard` gate: an MCP path names the key's own project, a session is the one this
/// key opened on this server, and a `tools/call` names a tool the project's and the key's lists
/// allow. A key on another project's path, or on a project that does not exist, gets the same 403
/// that says nothing of the other project; a path that is not canonical gets 400.
struct TenantGuardGate: Gate {
    let sessions: MCPSessions
    var id: GateID { .tenantGuard }

    static let sessionHeader = HTTPField.Name("mcp-session-id")!

    func evaluate(_ caller: Authenticated<MCPParsed>) throws(GateDenial) -> MCPTenant {
        let arrival = caller.base.arrival
        guard let path = MCPPath(target: arrival.head.path ?? "") else {
            throw GateDenial(
                gate: .tenantGuard, status: .badRequest, reason: .pathInvalid,
                message: "MCP paths are /mcp/{project}/{server} with plain ids (letters, digits, '.', '_', '-'); no encoded characters, dot or empty segments.")
        }
        let grant = caller.grant
        guard path.project == grant.projectID else {
            throw GateDenial(
                gate: .tenantGuard, status: .forbidden, reason: .projectMismatch,
                message: "This key may not call the MCP servers of that project.")
        }
        if let session = arrival.head.fields[Self.sessionHeader] {
            let owner = MCPSessions.Owner(keyID: grant.keyID, projectID: grant.projectID, server: path.server)
            guard sessions.owner(of: session) == owner else {
                throw GateDenial(
                    gate: .tenantGuard, status: .forbidden, reason: .sessionMismatch,
                    message: "The MCP session was not opened by this key on this server; initialize a new session.")
            }
        }
        if let tool = caller.base.message?.tool, let server = caller.base.snapshot.mcpServer(named: path.server, project: path.project),
            !grant.mayCall(tool: tool, of: server)
        {
            throw GateDenial(
                gate: .tenantGuard, status: .forbidden, reason: .toolNotAllowed,
                message: "This key may not call the tool '\(RequestTrace.clipped(tool))' of MCP server '\(server.name)'.")
        }
        return MCPTenant(caller: caller, serverName: path.server)
    }
}
