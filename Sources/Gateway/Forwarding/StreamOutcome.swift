import HTTPTypes
import NIOCore
import Telemetry
import WireJSON

/// How a relayed stream ended.
enum StreamOutcome: Equatable {
    case completed, clientClosed, timedOut, upstreamBroke
    /// The provider reported an error in the stream; its translation already told the client.
    case providerReported
    /// The output guardrails blocked the answer.
    case blocked(GuardrailFinding)
    /// The output guardrails could not read the answer's text (a field twice).
    case unreadable(MessageText.Ambiguity)

    /// How a stream that broke off with `failure` ended: a deadline, the provider's own error
    /// event (which its translation relayed), or a broken stream.
    init(ending failure: any Error) {
        if case .timeout? = failure as? UpstreamConnection.Failure {
            self = .timedOut
        } else if failure as? StreamTranslationError == .providerError {
            self = .providerReported
        } else {
            self = .upstreamBroke
        }
    }

    /// Whether the output guardrails ended the stream.
    var isBlocked: Bool { guardrailsDecision != nil }

    /// How the output guardrails decided a stream they ended: their span's decision and the
    /// trace's status; nil when they did not end it.
    var guardrailsDecision: (decision: Decision, status: HTTPResponse.Status)? {
        switch self {
        case .blocked: (.deny, .forbidden)
        case .unreadable: (.error, .badGateway)
        default: nil
        }
    }

    /// The trace's reason; nil for a completed stream.
    var reason: ReasonCode? {
        switch self {
        case .completed: nil
        case .clientClosed: .clientClosed
        case .timedOut: .upstreamTimeout
        case .upstreamBroke: .upstreamStreamBroken
        case .providerReported: .upstreamError
        case .blocked(let finding): finding.check.reason
        case .unreadable: .upstreamInvalidResponse
        }
    }

    /// A final SSE event that tells the client the stream failed, with the gate: in the OpenAI
    /// shape, or as a Messages `error` event when `messages`.
    func errorEvent(provider: String, messages: Bool = false) -> ByteBuffer? {
        let error: ClientError
        switch self {
        case .completed, .clientClosed, .providerReported: return nil
        case .timedOut:
            error = ClientError(
                .badGateway, .upstreamTimeout, "Provider '\(provider)' exceeded its timeout while streaming; the answer is incomplete.",
                gate: GateID.upstream.rawValue)
        case .upstreamBroke:
            error = ClientError(
                .badGateway, .upstreamStreamBroken, "The stream from provider '\(provider)' broke off; the answer is incomplete.",
                gate: GateID.upstream.rawValue)
        case .blocked(let finding):
            error = ClientError(.forbidden, finding.check.reason, TextInspection.blockMessage(finding), gate: GateID.guardrails.rawValue)
        case .unreadable(let ambiguity):
            error = ClientError(
                .badGateway, .upstreamInvalidResponse, TextInspection.ambiguousAnswerMessage(ambiguity), gate: GateID.guardrails.rawValue)
        }
        var buffer = ByteBuffer(string: messages ? "event: error\ndata: " : "data: ")
        buffer.writeImmutableBuffer(messages ? error.messagesBody : error.body)
        buffer.writeString("\n\n")
        return buffer
    }
}
