import GatewayModel
import Guardrails
import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry
import WireJSON

/// A provider's answer to an admitted request, and the relay that hands it to the client: the
/// body as a whole, or the stream (``StreamRelay``).
struct UpstreamAnswer: Sendable {
    let response: UpstreamResponse
    /// The usage read from a whole answer's body.
    let usage: TokenUsage.Reading
    /// The provider that answered.
    let provider: PooledProvider
    /// When the whole answer must be done.
    let deadline: NIODeadline
    /// When the answer's head arrived.
    let arrived: NIODeadline

    /// The client's response. The trace is finished through `completion` when the body is
    /// relayed: at once for a whole answer, after the last chunk for a stream (whose relay takes
    /// `trace`, leaving it empty).
    func relay(for admitted: Admitted, trace: inout RequestTrace, completion: RequestCompletion) -> ClientAnswer {
        let arrival = admitted.routed.arrival
        trace.status = UInt16(response.status.code)
        trace.timeToFirstTokenNanos = arrived.nanoseconds(since: arrival.started)
        if response.status.code >= 400 { trace.reason = ReasonCode.providerClientError.rawValue }
        let snapshot = admitted.routed.snapshot
        let promptEstimate = BudgetGate.promptTokens(bodyBytes: admitted.routed.payload.body.readableBytes)
        // Output guardrails read chat answers (both front doors); a provider's error passes as it is.
        let output = admitted.routed.grant.guardrails?.output
        let messages = arrival.endpoint.speaksMessages
        let guardsOutput = output?.isActive == true && response.status.code < 300 && arrival.endpoint.scope == .chat
        switch response.body {
        case .buffer(var body):
            if response.status.code < 300 {
                Pricing.charge(&trace, usage: usage, snapshot: snapshot, promptEstimate: promptEstimate, outputEstimate: 0)
            }
            if guardsOutput, let output {
                // The provider's cost is recorded either way: it was spent.
                switch AnswerGuard.check(body, scanner: output, messages: messages, trace: &trace, origin: arrival.started) {
                case .success(let checked): body = checked
                case .failure(let denial):
                    trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
                    completion.finish(trace)
                    return denial.response(messages: messages)
                }
            }
            trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
            completion.finish(trace)
            return ClientAnswer(status: response.status, headers: provider.answerFields(contentType: response.contentType, stream: false), body: .whole(body))
        case .stream(let chunks):
            // The relay finishes the trace, so it takes it; the caller's is left empty.
            var relayed = RequestTrace(traceID: trace.traceID, startUnixNanos: 0, operation: "")
            swap(&relayed, &trace)
            let relay = StreamRelay(
                chunks: chunks, trace: consume relayed, snapshot: snapshot, promptEstimate: promptEstimate, started: arrival.started, deadline: deadline, provider: provider.config.name,
                stripsUsageChunk: !admitted.routed.payload.fields.clientIncludesUsage,
                outputGuard: guardsOutput ? output.map { StreamGuard(scanner: $0, messages: messages) } : nil, messages: messages, completion: completion)
            return ClientAnswer(status: response.status, headers: provider.answerFields(contentType: response.contentType, stream: true), body: .relay(relay))
        }
    }
}
