import GatewayModel
import HTTPTypes
import Logging
import NIOCore
import Telemetry

/// The `upstream` stage after the gates: sends an admitted request to its route's targets in the
/// order of a ``TargetPlan``, retrying each as its provider allows and falling back to the next,
/// and hands the first answer to the whole-answer or the stream relay. Stops with 503 when every
/// target failed, 504 when the last one timed out. It runs on the request's event loop, from one
/// callback to the next, without a task of its own.
struct Forwarder: Sendable {
    let pool: ProviderPool
    let logger: Logger

    /// What a forwarded request ends with: the answer, or the denial that stopped it, with the
    /// trace, which then has the `upstream` span and the attempts.
    typealias Reply = (Result<ClientAnswer, GateDenial>, inout RequestTrace) -> Void

    /// Forwards `admitted` from `loop` (its connection's) and calls `reply` on it once.
    /// `completion` finishes the trace once an answer is relayed; on a denial the caller finishes
    /// it. The forwarder owns `trace` (moved in, not copied) and lends it to `reply`. `call` stops
    /// the attempt in flight when the client goes away.
    func start(_ admitted: Admitted, trace: consuming RequestTrace, completion: RequestCompletion, on loop: any EventLoop, call: UpstreamCall, reply: @escaping Reply) {
        trace.streamed = admitted.routed.payload.stream
        let context = admitted.routed.arrival.upstreamTraceContext(of: trace)
        let attempts = Attempts(
            forwarder: self, admitted: admitted, trace: trace, context: context, completion: completion, loop: loop, call: call, reply: reply)
        attempts.nextTarget()
    }

    /// One request's way through its targets and their retries.
    private final class Attempts {
        let forwarder: Forwarder
        let admitted: Admitted
        var trace: RequestTrace
        let completion: RequestCompletion
        let loop: any EventLoop
        let call: UpstreamCall
        let reply: Reply
        let started = NIODeadline.now()
        let context: (parent: TraceParent, state: String?)
        let clientHeaders: [(String, String)]
        var generator = SystemRandomNumberGenerator()
        let targets: [RouteTarget]
        var nextIndex = 0
        /// The target being tried, and its request body.
        var target: (pooled: PooledProvider, body: ByteBuffer)?
        /// When the answer to the attempt in flight must be whole.
        var deadline = NIODeadline.uptimeNanoseconds(0)
        var retries = 0
        var lastFailure: (failure: UpstreamFailure, provider: PooledProvider)?

        init(
            forwarder: Forwarder, admitted: Admitted, trace: consuming RequestTrace, context: (parent: TraceParent, state: String?), completion: RequestCompletion,
            loop: any EventLoop, call: UpstreamCall, reply: @escaping Reply
        ) {
            self.forwarder = forwarder
            self.admitted = admitted
            self.trace = trace
            self.completion = completion
            self.loop = loop
            self.call = call
            self.reply = reply
            let arrival = admitted.routed.arrival
            self.context = context
            self.clientHeaders = arrival.endpoint.speaksMessages ? Forwarder.anthropicHeaders(of: arrival) : []
            self.targets = TargetPlan.order(admitted.routed.route.targets, using: &generator)
        }

        /// Tries the next target that has a provider, or gives up.
        func nextTarget() {
            let routed = admitted.routed
            while nextIndex < targets.count {
                let next = targets[nextIndex]
                nextIndex += 1
                guard let pooled = forwarder.pool.provider(named: next.provider, in: routed.snapshot) else { continue }
                // A Messages stream reports its usage without being asked.
                target = (pooled, routed.payload.upstreamBody(model: next.model, askForUsage: !routed.arrival.endpoint.speaksMessages))
                trace.routedModel = next.model
                trace.provider = pooled.config.name
                retries = 0
                return send()
            }
            let payload = routed.payload
            deny(GateDenial.upstream(after: lastFailure.map { ($0.failure, $0.provider.config) }, model: payload.model, attempts: Int(trace.attempts)))
        }

        /// Sends one attempt to the current target.
        func send() {
            guard let (pooled, body) = target else { return }
            let arrival = admitted.routed.arrival
            trace.attempts &+= 1
            // The first attempt starts when the stage does: one read of the clock fewer.
            let now = trace.attempts == 1 ? started : NIODeadline.now()
            let request = UpstreamRequest(
                endpoint: arrival.endpoint, body: body, stream: admitted.routed.payload.stream, requestID: arrival.requestID,
                traceparent: context.parent, tracestate: context.state, clientHeaders: clientHeaders,
                firstByteDeadline: now + pooled.firstByteTimeout, deadline: now + pooled.timeout)
            deadline = request.deadline
            // The callback holds this object alone, which is its context: no allocation for it.
            pooled.provider.start(request, on: loop, call: call) { [self] result in received(result) }
        }

        /// Takes the outcome of the attempt in flight.
        func received(_ result: Result<UpstreamResponse, UpstreamFailure>) {
            guard let pooled = target?.pooled else { return }
            switch result {
            case .success(let response): answered(response, by: pooled)
            case .failure(let failure): failed(failure, at: pooled)
            }
        }

        /// Relays an answer to the client.
        func answered(_ response: consuming UpstreamResponse, by pooled: PooledProvider) {
            let messages = admitted.routed.arrival.endpoint.speaksMessages
            let usage: TokenUsage.Reading
            do throws(UpstreamFailure) {
                usage = try Forwarder.usage(of: response, messages: messages)
            } catch {
                return failed(error, at: pooled)
            }
            let arrived = NIODeadline.now()
            trace.append(GateSpan(.upstream, .pass, nil, started: started, ended: arrived, origin: admitted.routed.arrival.started))
            trace.upstreamNanos = arrived.nanoseconds(since: started)
            let answer = UpstreamAnswer(response: response, usage: usage, provider: pooled, deadline: deadline, arrived: arrived)
            let relayed = answer.relay(for: admitted, trace: &trace, completion: completion)
            reply(.success(relayed), &trace)
        }

        /// Retries the target after a backoff when the failure allows it, or moves on to the next.
        func failed(_ failure: UpstreamFailure, at pooled: PooledProvider) {
            if case .cancelled = failure { return deny(.clientGone) }
            lastFailure = (failure, pooled)
            forwarder.logFailure(failure, of: admitted.routed.arrival, provider: pooled.config.name, attempt: retries)
            guard failure.isRetryable, retries < pooled.config.maxRetries else { return nextTarget() }
            retries += 1
            let ceiling = min(pooled.config.retryBackoffMilliseconds << min(retries - 1, 10), 5_000)
            guard ceiling > 0 else { return send() }
            let delay = Int.random(in: ceiling / 2...ceiling, using: &generator)
            let backoff = loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delay))) { [self] in
                call.onCancel = nil
                send()
            }
            call.onCancel = { [self] in
                backoff.cancel()
                deny(.clientGone)
            }
        }

        /// Ends the request with `denial` as its `upstream` span.
        func deny(_ denial: GateDenial) {
            let denial = Forwarder.deny(denial, trace: &trace, started: started, origin: admitted.routed.arrival.started)
            reply(.failure(denial), &trace)
        }
    }

    /// Records `denial` as the `upstream` span that ended the request, and the time spent upstream.
    @inline(never)
    fileprivate static func deny(_ denial: GateDenial, trace: inout RequestTrace, started: NIODeadline, origin: NIODeadline) -> GateDenial {
        let ended = NIODeadline.now()
        trace.append(GateSpan(.upstream, denial.decision, denial.reason, started: started, ended: ended, origin: origin))
        trace.upstreamNanos = ended.nanoseconds(since: started)
        return denial
    }

    /// The usage that a whole successful answer reports (absent for an error or a stream).
    /// - Throws: ``UpstreamFailure/invalidResponse`` for a success whose body is not JSON: a
    ///   broken provider, which the next target may replace.
    fileprivate static func usage(of response: UpstreamResponse, messages: Bool) throws(UpstreamFailure) -> TokenUsage.Reading {
        guard case .buffer(let body) = response.body, response.status.code < 300 else { return .absent }
        let reading = body.withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self), messages: messages) }
        guard let reading else { throw .invalidResponse }
        return reading
    }

    /// Logs a failed attempt.
    @inline(never)
    fileprivate func logFailure(_ failure: UpstreamFailure, of arrival: Arrival, provider: String, attempt: Int) {
        logger.warning(
            "upstream attempt failed",
            metadata: [
                "request_id": "\(arrival.requestID)", "provider": "\(provider)", "attempt": "\(attempt + 1)",
                "failure": "\(LogText.safe("\(failure)"))",
            ])
    }

    /// The client's `anthropic-version` and `anthropic-beta`, passed to an Anthropic provider.
    fileprivate static func anthropicHeaders(of arrival: Arrival) -> [(String, String)] {
        [HTTPField.Name.anthropicVersion, .anthropicBeta].compactMap { name in arrival.head.fields[name].map { (name.canonicalName, $0) } }
    }
}
