import GatewayModel
import Guardrails
import HTTPTypes
import NIOCore
import Telemetry
import WireJSON

/// Checks the request's text (every message's content and tool-call arguments, all roles; an
/// embeddings input) against the caller's guardrails: a blocking match stops the request with 403,
/// a redacting one is replaced in place by its placeholder (every other byte of the body
/// untouched), a monitored one passes. What was found, never the text, goes into the trace.
struct GuardrailsGate: Gate {
    var id: GateID { .guardrails }

    /// The 403 of text that `blocking` matched, at `param`, carrying every finding for the trace.
    static func blocked(by blocking: GuardrailFinding, findings: [GuardrailFinding], param: String) -> GateDenial {
        var denial = GateDenial(
            gate: .guardrails, status: .forbidden, reason: blocking.check.reason, message: TextInspection.blockMessage(blocking), param: param)
        denial.findings = findings
        return denial
    }

    /// The request field of message `index`: a Messages request's system prompt is message 0.
    static func param(message index: Int, shape: RequestFields.Shape) -> String {
        guard shape == .messages else { return "messages[\(index)]" }
        return index == 0 ? "system" : "messages[\(index - 1)]"
    }

    func evaluate(_ routed: Routed) throws(GateDenial) -> Guarded {
        guard let guardrails = routed.grant.guardrails, guardrails.input.isActive else { return Guarded(routed: routed, findings: []) }
        let shape = routed.arrival.endpoint.shape
        let body = routed.payload.body
        let fields = routed.payload.fields
        let inspected = TextInspection.inspect(
            body, slots: { bytes throws(MessageText.Ambiguity) in try MessageText.slots(in: bytes, fields: fields, shape: shape) }, scanner: guardrails.input,
            direction: .input)
        let (findings, edits): TextInspection.Outcome
        switch inspected {
        case .success(let outcome): (findings, edits) = outcome
        case .failure(let ambiguity):
            throw GateDenial(
                gate: .guardrails, status: .badRequest, reason: .invalidRequest,
                message: "Message \(ambiguity.message) names '\(ambiguity.field)' more than once; providers disagree on which one they read, so the guardrails cannot check it. Send it once.",
                param: "\(Self.param(message: ambiguity.message, shape: shape)).\(ambiguity.field)")
        }
        if let blocking = findings.first(where: { $0.action == .block }) {
            throw Self.blocked(by: blocking, findings: findings, param: Self.param(message: Int(blocking.message), shape: shape))
        }
        guard !edits.isEmpty else { return Guarded(routed: routed, findings: findings) }
        let redacted = BodyEdit.apply(edits, to: body)
        // The edits replace string contents only, so the body stays a valid request of the same shape.
        let payload = (try? RequestPayload.parse(redacted, for: routed.arrival.endpoint)) ?? routed.payload
        return Guarded(
            routed: Routed(arrival: routed.arrival, snapshot: routed.snapshot, payload: payload, grant: routed.grant, route: routed.route, prices: routed.prices), findings: findings)
    }
}
