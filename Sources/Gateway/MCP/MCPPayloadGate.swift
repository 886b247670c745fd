import GatewayModel
import HTTPTypes
import WireJSON

/// The `payload` gate of MCP requests: the body's size (413), and a POST's body one JSON-RPC
/// message whose method, id and tool name are read once, as the server will read them (400).
struct MCPPayloadGate: Gate {
    var id: GateID { .payload }

    func evaluate(_ configured: Configured) throws(GateDenial) -> MCPParsed {
        try PayloadGate.checkSize(configured)
        let arrival = configured.arrival
        guard arrival.head.method == .post else { return MCPParsed(arrival: arrival, snapshot: configured.snapshot, message: nil) }
        do throws(MCPMessageError) {
            let message = try MCPMessage(arrival.body)
            return MCPParsed(arrival: arrival, snapshot: configured.snapshot, message: message)
        } catch {
            throw GateDenial(gate: .payload, status: .badRequest, reason: .invalidJSON, message: error.message)
        }
    }
}
