import GatewayModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Telemetry

/// The `upstream` stage after the gates: sends an admitted request to its route's targets in the
/// order of a ``TargetPlan``, retrying each as its provider allows and falling back to the next,
/// and hands the first answer to the whole-answer or the stream relay. Stops with 503 when every
/// target failed, 504 when the last one timed out.
struct Forwarder: Sendable {
    let pool: ProviderPool
    let logger: Logger

    /// Forwards `admitted`, adding the `upstream` span and the attempts to `trace`. `completion`
    /// finishes the trace once the answer is relayed; on a thrown denial the caller finishes it.
    func respond(_ admitted: Admitted, trace: inout RequestTrace, completion: RequestCompletion) async throws(GateDenial) -> Response {
        let routed = admitted.routed
        let arrival = routed.arrival
        let payload = routed.payload
        var generator = SystemRandomNumberGenerator()
        var lastFailure: (failure: UpstreamFailure, provider: PooledProvider)?
        let started = NIODeadline.now()
        trace.streamed = payload.stream
        let context = arrival.upstreamTraceContext(of: trace)
        let messages = arrival.endpoint.speaksMessages
        let clientHeaders = messages ? Self.anthropicHeaders(of: arrival) : []
        for target in TargetPlan.order(routed.route.targets, using: &generator) {
            guard let pooled = pool.provider(named: target.provider, in: routed.snapshot) else { continue }
            // A Messages stream reports its usage without being asked.
            let body = payload.upstreamBody(model: target.model, askForUsage: !messages)
            trace.routedModel = target.model
            trace.provider = pooled.config.name
            for attempt in 0...max(0, pooled.config.maxRetries) {
                if attempt > 0 { await Self.backoff(attempt: attempt, base: pooled.config.retryBackoffMilliseconds, using: &generator) }
                trace.attempts &+= 1
                // The first attempt starts when the stage does: one read of the clock fewer.
                let now = trace.attempts == 1 ? started : NIODeadline.now()
                let request = UpstreamRequest(
                    endpoint: arrival.endpoint, body: body, stream: payload.stream, requestID: arrival.requestID,
                    traceparent: context.parent, tracestate: context.state, clientHeaders: clientHeaders,
                    firstByteDeadline: now + pooled.firstByteTimeout, deadline: now + pooled.timeout)
                do throws(UpstreamFailure) {
                    let response = try await pooled.provider.send(request)
                    let usage = try Self.usage(of: response, messages: messages)
                    let arrived = NIODeadline.now()
                    trace.append(GateSpan(.upstream, .pass, nil, started: started, ended: arrived, origin: arrival.started))
                    trace.upstreamNanos = arrived.nanoseconds(since: started)
                    let answer = UpstreamAnswer(response: consume response, usage: usage, provider: pooled.config.name, deadline: request.deadline, arrived: arrived)
                    return answer.relay(for: admitted, trace: &trace, completion: completion)
                } catch {
                    if case .cancelled = error {
                        throw Self.deny(.clientGone, trace: &trace, started: started, origin: arrival.started)
                    }
                    lastFailure = (error, pooled)
                    logFailure(error, of: arrival, provider: pooled.config.name, attempt: attempt)
                    if !error.isRetryable { break }
                }
            }
        }
        let denial = GateDenial.upstream(after: lastFailure.map { ($0.failure, $0.provider.config) }, model: payload.model, attempts: Int(trace.attempts))
        throw Self.deny(denial, trace: &trace, started: started, origin: arrival.started)
    }

    /// Records `denial` as the `upstream` span that ended the request, and the time spent upstream.
    @inline(never)
    private static func deny(_ denial: GateDenial, trace: inout RequestTrace, started: NIODeadline, origin: NIODeadline) -> GateDenial {
        let ended = NIODeadline.now()
        trace.append(GateSpan(.upstream, denial.decision, denial.reason, started: started, ended: ended, origin: origin))
        trace.upstreamNanos = ended.nanoseconds(since: started)
        return denial
    }

    /// The usage that a whole successful answer reports (absent for an error or a stream).
    /// Out of line, like ``logFailure(_:of:provider:attempt:)``: what a synchronous step needs
    /// stays on the thread's stack instead of in the request task's frame.
    /// - Throws: ``UpstreamFailure/invalidResponse`` for a success whose body is not JSON: a
    ///   broken provider, which the next target may replace.
    @inline(never)
    private static func usage(of response: UpstreamResponse, messages: Bool) throws(UpstreamFailure) -> TokenUsage.Reading {
        guard case .buffer(let body) = response.body, response.status.code < 300 else { return .absent }
        let reading = body.withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self), messages: messages) }
        guard let reading else { throw .invalidResponse }
        return reading
    }

    /// Logs a failed attempt.
    @inline(never)
    private func logFailure(_ failure: UpstreamFailure, of arrival: Arrival, provider: String, attempt: Int) {
        logger.warning(
            "upstream attempt failed",
            metadata: [
                "request_id": "\(arrival.requestID)", "provider": "\(provider)", "attempt": "\(attempt + 1)",
                "failure": "\(LogText.safe("\(failure)"))",
            ])
    }

    /// The client's `anthropic-version` and `anthropic-beta`, passed to an Anthropic provider.
    private static func anthropicHeaders(of arrival: Arrival) -> [(String, String)] {
        [HTTPField.Name.anthropicVersion, .anthropicBeta].compactMap { name in arrival.head.headerFields[name].map { (name.canonicalName, $0) } }
    }

    private static func backoff(attempt: Int, base: Int, using generator: inout SystemRandomNumberGenerator) async {
        let ceiling = min(base << min(attempt - 1, 10), 5_000)
        guard ceiling > 0 else { return }
        try? await Task.sleep(for: .milliseconds(Int.random(in: ceiling / 2...ceiling, using: &generator)))
    }
}
