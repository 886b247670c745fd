import GatewayModel
import Guardrails
import HTTPTypes
import NIOCore
import Telemetry
import WireJSON

/// Checks the request's text (every message's content, all roles; an embeddings input) against
/// the caller's guardrails: a blocking match stops the request with 403, a redacting one is
/// replaced in place by its placeholder (every other byte of the body untouched), a monitored one
/// passes. What was found, never the text, goes into the trace.
struct GuardrailsGate: Gate {
    var id: GateID { .guardrails }

    func evaluate(_ routed: Routed) async throws(GateDenial) -> Guarded {
        guard let guardrails = routed.grant.guardrails, guardrails.input.isActive else { return Guarded(routed: routed, findings: []) }
        let scanner = guardrails.input
        let shape: RequestFields.Shape = routed.arrival.endpoint == .embeddings ? .embeddings : .chat
        let body = routed.payload.body
        let (findings, edits) = body.withUnsafeReadableBytes { raw in
            Self.inspect(raw.bindMemory(to: UInt8.self), shape: shape, scanner: scanner)
        }
        if let blocking = findings.first(where: { $0.action == .block }) {
            var denial = GateDenial(
                gate: .guardrails, status: .forbidden, reason: blocking.check.reason,
                message: "The request was blocked by the project's guardrails: \(blocking.check.name) (\(blocking.type)) found in message \(blocking.message). Remove it and retry.",
                param: "messages[\(blocking.message)]")
            denial.findings = findings
            throw denial
        }
        guard !edits.isEmpty else { return Guarded(routed: routed, findings: findings) }
        let redacted = BodyEdit.apply(edits, to: body)
        // The edits replace string contents only, so the body stays a valid request of the same shape.
        let payload = (try? RequestPayload.parse(redacted, for: routed.arrival.endpoint)) ?? routed.payload
        return Guarded(
            routed: Routed(arrival: routed.arrival, snapshot: routed.snapshot, payload: payload, grant: routed.grant, route: routed.route), findings: findings)
    }

    /// The findings in every text slot of `bytes`, and the edits that redact them.
    static func inspect(_ bytes: UnsafeBufferPointer<UInt8>, shape: RequestFields.Shape, scanner: GuardrailScanner) -> ([GuardrailFinding], [BodyEdit]) {
        var findings: [GuardrailFinding] = []
        var edits: [BodyEdit] = []
        for slot in MessageText.slots(in: bytes, shape: shape) {
            let inner = bytes[(slot.literal.lowerBound + 1)..<(slot.literal.upperBound - 1)]
            let (text, offsets) = JSONString.unescapedUTF8WithOffsets(inner)
            for match in scanner.scan(text) {
                let action = scanner.rules.action(of: match.check)
                let taken: GuardrailFinding.Action = action == .block ? .block : (action == .redact && match.range != nil ? .redact : .monitor)
                findings.append(GuardrailFinding(direction: .input, check: match.check.telemetry, action: taken, type: match.typeName, message: slot.message))
                if taken == .redact, let range = match.range {
                    let start = inner.startIndex + offsets[range.lowerBound]
                    let end = inner.startIndex + offsets[range.upperBound]
                    edits.append(BodyEdit(range: start..<end, replacement: match.placeholder))
                }
            }
        }
        return (findings, edits)
    }
}

extension GuardrailCheck {
    /// The check as telemetry records it.
    var telemetry: GuardrailFinding.Check {
        switch self {
        case .pii: .pii
        case .secrets: .secrets
        case .promptInjection: .promptInjection
        case .denyPhrases: .denyPhrases
        }
    }
}

extension GuardrailFinding.Check {
    /// The reason a block by this check records.
    var reason: ReasonCode {
        switch self {
        case .pii: .piiDetected
        case .secrets: .secretDetected
        case .promptInjection: .promptInjectionDetected
        case .denyPhrases: .deniedPhrase
        }
    }
}
