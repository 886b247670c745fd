import GatewayModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Telemetry
import WireJSON

/// The last gate: sends the request to the route's targets, retrying and falling back, and relays
/// the answer. Stops with 503 when every target failed, 504 when the last one timed out.
struct UpstreamGate {
    let pool: ProviderPool
    let recorder: any RequestRecorder
    let logger: Logger
    var id: GateID { .upstream }

    func respond(_ exchange: Exchange, trace: inout RequestTrace) async throws(GateDenial) -> Response {
        let snapshot = exchange.snapshot!
        let payload = exchange.payload!
        var generator = SystemRandomNumberGenerator()
        var lastFailure: (failure: UpstreamFailure, provider: ProviderConfig)?
        let started = ContinuousClock.now
        trace.streamed = payload.stream
        defer { trace.upstreamNanos = started.duration(to: .now).nanoseconds }
        for target in TargetPlan.order(exchange.route!.targets, using: &generator) {
            guard let config = snapshot.provider(named: target.provider),
                let provider = pool.provider(named: target.provider, in: snapshot)
            else { continue }
            let body = payload.upstreamBody(model: target.model, askForUsage: true)
            trace.routedModel = target.model
            trace.provider = config.name
            for attempt in 0...config.maxRetries {
                if attempt > 0 { await Self.backoff(attempt: attempt, base: config.retryBackoffMilliseconds, using: &generator) }
                trace.attempts &+= 1
                let now = ContinuousClock.now
                let request = UpstreamRequest(
                    endpoint: exchange.endpoint, body: body, stream: payload.stream, requestID: exchange.requestID,
                    firstByteDeadline: now + .seconds(config.firstByteTimeoutSeconds), deadline: now + .seconds(config.timeoutSeconds))
                do throws(UpstreamFailure) {
                    let response = try await provider.send(request)
                    var usage = TokenUsage.Reading.absent
                    if case .buffer(let body) = response.body, response.status.code < 300 {
                        // A success whose body is not JSON is a broken provider: the next target may serve.
                        guard let reading = body.withUnsafeReadableBytes({ TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self)) }) else {
                            throw UpstreamFailure.invalidResponse
                        }
                        usage = reading
                    }
                    trace.append(Self.span(.pass, "", since: started, origin: exchange.started))
                    trace.upstreamNanos = started.duration(to: .now).nanoseconds
                    return relay(response, usage: usage, provider: config.name, deadline: request.deadline, exchange: exchange, trace: trace)
                } catch {
                    if case .cancelled = error {
                        trace.append(Self.span(.error, Self.clientGone.reason, since: started, origin: exchange.started))
                        throw Self.clientGone
                    }
                    lastFailure = (error, config)
                    logger.warning(
                        "upstream attempt failed",
                        metadata: ["request_id": "\(exchange.requestID)", "provider": "\(config.name)", "attempt": "\(attempt + 1)", "failure": "\(LogText.safe("\(error)"))"])
                    if !error.isRetryable { break }
                }
            }
        }
        let denial = Self.denial(after: lastFailure, model: payload.model, attempts: Int(trace.attempts))
        trace.append(Self.span(denial.decision, denial.reason, since: started, origin: exchange.started))
        throw denial
    }

    private static func span(_ decision: Decision, _ reason: String, since started: ContinuousClock.Instant, origin: ContinuousClock.Instant) -> GateSpan {
        GateSpan(
            gate: GateID.upstream.rawValue, decision: decision, reason: reason,
            startOffsetNanos: origin.duration(to: started).nanoseconds, durationNanos: started.duration(to: .now).nanoseconds)
    }

    private func relay(
        _ response: UpstreamResponse, usage: TokenUsage.Reading, provider: String, deadline: ContinuousClock.Instant, exchange: Exchange,
        trace base: RequestTrace
    ) -> Response {
        var trace = base
        trace.status = UInt16(response.status.code)
        trace.timeToFirstTokenNanos = exchange.started.duration(to: .now).nanoseconds
        if response.status.code >= 400 { trace.reason = "provider_client_error" }
        var headers: HTTPFields = [.gatewayProvider: provider]
        headers.append(contentsOf: exchange.responseHeaders)
        let snapshot = exchange.snapshot!
        let promptEstimate = BudgetGate.promptTokens(bodyBytes: exchange.payload!.body.readableBytes)
        headers[.contentType] = response.contentType ?? "application/json"
        switch response.body {
        case .buffer(let body):
            if response.status.code < 300 {
                Pricing.charge(&trace, usage: usage, snapshot: snapshot, promptEstimate: promptEstimate, outputEstimate: 0)
            }
            trace.durationNanos = exchange.started.duration(to: .now).nanoseconds
            recorder.record(trace)
            return Response(status: response.status, headers: headers, body: ResponseBody(byteBuffer: body))
        case .stream(let chunks):
            headers[.cacheControl] = "no-cache"
            let recorder = self.recorder
            let started = exchange.started
            let streamTrace = trace
            let stripsUsageChunk = !exchange.payload!.fields.clientIncludesUsage
            return Response(
                status: response.status, headers: headers,
                body: ResponseBody { writer in
                    var meter = StreamUsageMeter(stripsUsageChunk: stripsUsageChunk)
                    var outcome = StreamOutcome.completed
                    var trace = streamTrace
                    defer {
                        if trace.status < 300 {
                            Pricing.charge(&trace, usage: meter.usage, snapshot: snapshot, promptEstimate: promptEstimate, outputEstimate: meter.events)
                        }
                        trace.durationNanos = started.duration(to: .now).nanoseconds
                        if let reason = outcome.reason { trace.reason = reason }
                        recorder.record(trace)
                    }
                    do {
                        for try await chunk in chunks {
                            let relayed = meter.feed(chunk)
                            do {
                                if relayed.readableBytes > 0 { try await writer.write(relayed) }
                            } catch {
                                outcome = .clientClosed
                                throw error
                            }
                            if ContinuousClock.now > deadline {
                                outcome = .timedOut
                                break
                            }
                        }
                    } catch UpstreamConnection.Failure.timeout {
                        outcome = .timedOut
                    } catch {
                        // A closed client connection cancels this task, which ends the provider's stream too.
                        if outcome == .clientClosed || Task.isCancelled {
                            outcome = .clientClosed
                            throw error
                        }
                        outcome = .upstreamBroke
                    }
                    if Task.isCancelled {
                        outcome = .clientClosed
                        throw CancellationError()
                    }
                    if let rest = meter.finish() { try await writer.write(rest) }
                    if let event = outcome.errorEvent(provider: provider) { try await writer.write(event) }
                    try await writer.finish(nil)
                })
        }
    }

    private static func backoff(attempt: Int, base: Int, using generator: inout SystemRandomNumberGenerator) async {
        let ceiling = min(base << min(attempt - 1, 10), 5_000)
        guard ceiling > 0 else { return }
        try? await Task.sleep(for: .milliseconds(Int.random(in: ceiling / 2...ceiling, using: &generator)))
    }

    static let clientGone = GateDenial(
        gate: .upstream, status: .init(code: 499, reasonPhrase: "Client Closed Request"), reason: "client_closed",
        message: "The client closed the connection before the provider answered.")

    private static func denial(after last: (failure: UpstreamFailure, provider: ProviderConfig)?, model: String, attempts: Int) -> GateDenial {
        let tried = "after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        guard let (failure, config) = last else {
            return GateDenial(
                gate: .upstream, status: .serviceUnavailable, reason: "upstream_unreachable",
                message: "No provider target of model '\(model)' is available; check the route's providers.")
        }
        let provider = config.name
        switch failure {
        case .authFailed(let status):
            let variable = config.apiKeyEnv.map { "the key in the environment variable '\($0)' (its apiKeyEnv)" } ?? "its apiKeyEnv (none is set)"
            return GateDenial(
                gate: .upstream, status: .badGateway, reason: "upstream_auth_failed",
                message: "Provider '\(provider)' refused the gateway's credential (\(status.code)) for model '\(model)'; "
                    + "this is not the caller's key: an operator must check \(variable).")
        case .invalidResponse:
            return GateDenial(
                gate: .upstream, status: .badGateway, reason: "upstream_invalid_response",
                message: "Provider '\(provider)' answered model '\(model)' with a success status but a body that is not JSON \(tried); retry later or check the provider.")
        case .timeout:
            return GateDenial(
                gate: .upstream, status: .gatewayTimeout, reason: "upstream_timeout",
                message: "Provider '\(provider)' did not answer in time for model '\(model)' \(tried); retry later or raise its timeoutSeconds.")
        case .status(let status, let retryAfter):
            let limited = status.code == 429
            var denial = GateDenial(
                gate: .upstream, status: .serviceUnavailable, reason: limited ? "upstream_rate_limited" : "upstream_error",
                message: "Provider '\(provider)' answered \(status.code) for model '\(model)' \(tried); retry later.")
            // The provider's own wait (delay-seconds only) tells the client when a retry can work.
            if let retryAfter { denial.headers[.retryAfter] = String(retryAfter) }
            return denial
        case .unreachable, .cancelled:
            return GateDenial(
                gate: .upstream, status: .serviceUnavailable, reason: "upstream_unreachable",
                message: "Provider '\(provider)' could not be reached for model '\(model)' \(tried); retry later or check the provider.")
        }
    }
}

/// How a relayed stream ended.
private enum StreamOutcome: Equatable {
    case completed, clientClosed, timedOut, upstreamBroke

    var reason: String? {
        switch self {
        case .completed: nil
        case .clientClosed: "client_closed"
        case .timedOut: "upstream_timeout"
        case .upstreamBroke: "upstream_stream_broken"
        }
    }

    /// A final SSE event that tells an OpenAI client the stream failed, with the gate.
    func errorEvent(provider: String) -> ByteBuffer? {
        let message: String
        switch self {
        case .completed, .clientClosed: return nil
        case .timedOut: message = "Provider '\(provider)' exceeded its timeout while streaming; the answer is incomplete."
        case .upstreamBroke: message = "The stream from provider '\(provider)' broke off; the answer is incomplete."
        }
        let denial = GateDenial(gate: .upstream, status: .badGateway, reason: reason!, message: message)
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeImmutableBuffer(denial.body)
        buffer.writeString("\n\n")
        return buffer
    }
}
