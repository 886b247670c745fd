import Guardrails
import HTTPTypes
import NIOCore
import Telemetry
import WireJSON

/// The output guardrails on a whole (not streamed) chat answer: checked before it is released,
/// so a blocked answer never reaches the client, and a redacted one reaches it rewritten.
enum AnswerGuard {
    /// The answer to send, or the 403 that replaces it; what was found goes into `trace`
    /// (a block also as a `guardrails` span that decided the request).
    /// A Messages answer (`messages`) is read from its content blocks.
    static func check(
        _ body: ByteBuffer, scanner: GuardrailScanner, messages: Bool = false, trace: inout RequestTrace, origin: NIODeadline
    ) -> Result<ByteBuffer, GateDenial> {
        let started = NIODeadline.now()
        let inspected = TextInspection.inspect(
            body,
            slots: { bytes throws(MessageText.Ambiguity) in
                try messages ? MessageText.messagesAnswerSlots(in: bytes) : MessageText.answerSlots(in: bytes)
            }, scanner: scanner, direction: .output)
        let (findings, edits): TextInspection.Outcome
        switch inspected {
        case .success(let outcome): (findings, edits) = outcome
        case .failure(let ambiguity):
            let denial = GateDenial(
                gate: .guardrails, status: .badGateway, reason: .upstreamInvalidResponse, message: TextInspection.ambiguousAnswerMessage(ambiguity))
            return .failure(deny(denial, trace: &trace, started: started, origin: origin))
        }
        for finding in findings { trace.append(finding) }
        guard let blocking = findings.first(where: { $0.action == .block }) else { return .success(BodyEdit.apply(edits, to: body)) }
        let denial = GateDenial(gate: .guardrails, status: .forbidden, reason: blocking.check.reason, message: TextInspection.blockMessage(blocking))
        return .failure(deny(denial, trace: &trace, started: started, origin: origin))
    }

    /// Records `denial` as the `guardrails` span that decided the request.
    private static func deny(_ denial: GateDenial, trace: inout RequestTrace, started: NIODeadline, origin: NIODeadline) -> GateDenial {
        trace.append(GateSpan(.guardrails, denial.decision, denial.reason, started: started, origin: origin))
        trace.status = UInt16(denial.status.code)
        trace.reason = denial.reason.rawValue
        return denial
    }
}
