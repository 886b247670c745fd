import GatewayModel
import Guardrails
import HTTPTypes
import NIOCore
import Telemetry
import WireJSON

/// The `guardrails` gate of MCP requests: a `tools/call`'s arguments (every string in them, at
/// any depth) are checked with the caller's input guardrails like a prompt: a blocking match stops
/// the call (403), a redacting one is replaced by its placeholder in the body the server gets, a
/// monitored one passes. What was found, never the text, goes into the trace.
struct MCPGuardrailsGate: Gate {
    var id: GateID { .guardrails }

    func evaluate(_ routed: MCPRouted) throws(GateDenial) -> MCPGuarded {
        let caller = routed.caller
        let body = caller.base.arrival.body
        guard let scanner = caller.grant.guardrails?.input, scanner.isActive, let arguments = caller.base.message?.arguments else {
            return MCPGuarded(routed: routed, body: body, findings: [])
        }
        let (findings, edits) = body.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let slots = MCPMessage.stringLiterals(in: bytes, range: arguments).map { MessageText(message: 0, literal: $0) }
            return TextInspection.inspect(bytes, slots: slots, scanner: scanner, direction: .input)
        }
        if let blocking = findings.first(where: { $0.action == .block }) {
            throw GuardrailsGate.blocked(by: blocking, findings: findings, param: "params.arguments")
        }
        return MCPGuarded(routed: routed, body: edits.isEmpty ? body : BodyEdit.apply(edits, to: body), findings: findings)
    }
}
