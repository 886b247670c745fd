import GatewayModel
import NIOCore
import Telemetry

/// An MCP request past `payload`: its JSON-RPC message (nil for GET and DELETE).
struct MCPParsed: KeyCarrying {
    /// The request.
    let arrival: Arrival
    /// The configuration in force.
    let snapshot: SnapshotIndex
    /// The message of a POST.
    let message: MCPMessage?
}

/// An MCP request past `tenant-guard`: the path's project is the key's, any session is the key's.
struct MCPTenant: Sendable {
    /// The request, its key and message.
    let caller: Authenticated<MCPParsed>
    /// The server named in the path.
    let serverName: String
}

/// An MCP request past `guardrails`: the body to send (redacted where a check redacts) and what was found.
struct MCPGuarded: Sendable {
    /// The request and its server.
    let routed: MCPRouted
    /// The body the server gets.
    let body: ByteBuffer
    /// What the checks found (monitored or redacted).
    let findings: [GuardrailFinding]
}

/// An MCP request past `budget`: what it holds against the caller's limits, if any.
struct MCPAdmitted: Sendable {
    /// The request, its server and the body to send.
    let guarded: MCPGuarded
    /// The hold the forwarding stage settles.
    let reservation: Reservation?
}

/// An MCP request past `routing`: the server it goes to.
struct MCPRouted: Sendable {
    /// The request, its key and message.
    let caller: Authenticated<MCPParsed>
    /// The server.
    let server: MCPServer
}
