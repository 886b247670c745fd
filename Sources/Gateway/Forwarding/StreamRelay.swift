import GatewayModel
import Hummingbird
import NIOCore
import Telemetry
import WireJSON

/// Relays a provider's SSE stream to the client chunk by chunk, metering its usage on the way,
/// and finishes the request's trace however the stream ends: completed, the client gone, the
/// provider too slow or broken off (the last two with a final error event the client can read).
struct StreamRelay: Sendable {
    let chunks: any AsyncSequence<ByteBuffer, any Error> & Sendable
    /// The trace so far (status, provider, attempts).
    let trace: RequestTrace
    let snapshot: SnapshotIndex
    let promptEstimate: Int
    /// When the request arrived.
    let started: ContinuousClock.Instant
    /// When the whole stream must be done.
    let deadline: ContinuousClock.Instant
    let provider: String
    /// The client did not ask for the usage-only chunk, which the gateway asked for itself.
    let stripsUsageChunk: Bool
    /// The output guardrails, when the caller's policy checks answers.
    let outputGuard: StreamGuard?
    /// The stream is Anthropic Messages events (the `/v1/messages` front door).
    let messages: Bool
    let completion: RequestCompletion

    /// Writes the stream to `writer`; throws when the client went away.
    func run(_ writer: inout some ResponseBodyWriter) async throws {
        var meter = StreamUsageMeter(stripsUsageChunk: stripsUsageChunk, messages: messages)
        var outcome = StreamOutcome.completed
        var trace = self.trace
        var outputGuard = self.outputGuard
        let guardStarted = ContinuousClock.now
        defer {
            // A blocked answer was still produced by the provider: its cost is recorded.
            if self.trace.status < 300 {
                Pricing.charge(&trace, usage: meter.usage, snapshot: snapshot, promptEstimate: promptEstimate, outputEstimate: meter.events)
            }
            for finding in outputGuard?.findings ?? [] { trace.append(finding) }
            if let decided = outcome.guardrailsDecision {
                trace.append(GateSpan(.guardrails, decided.decision, outcome.reason, started: guardStarted, origin: started))
                trace.status = UInt16(decided.status.code)
            }
            trace.durationNanos = started.duration(to: .now).nanoseconds
            if let reason = outcome.reason { trace.reason = reason.rawValue }
            completion.finish(trace)
        }
        /// Passes `bytes` through the output guard (then, when `finishing`, releases what it holds);
        /// notes a block in `outcome`.
        func guarded(_ bytes: ByteBuffer, finishing: Bool = false) -> ByteBuffer {
            guard outputGuard != nil else { return bytes }
            var out = ByteBuffer()
            for step in [outputGuard!.feed(bytes)] + (finishing ? [outputGuard!.finish()] : []) where !outcome.isBlocked {
                switch step {
                case .relay(let relayed): out.writeImmutableBuffer(relayed)
                case .blocked(let relayed, let finding):
                    out.writeImmutableBuffer(relayed)
                    outcome = .blocked(finding)
                case .refused(let ambiguity): outcome = .unreadable(ambiguity)
                }
            }
            return out
        }
        do {
            for try await chunk in chunks {
                let relayed = guarded(meter.feed(chunk))
                do {
                    if relayed.readableBytes > 0 { try await writer.write(relayed) }
                } catch {
                    outcome = .clientClosed
                    throw error
                }
                if outcome.isBlocked { break }
                if ContinuousClock.now > deadline {
                    outcome = .timedOut
                    break
                }
            }
        } catch UpstreamConnection.Failure.timeout {
            outcome = .timedOut
        } catch StreamTranslationError.providerError {
            outcome = .providerReported
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
        if !outcome.isBlocked {
            let rest = guarded(meter.finish() ?? ByteBuffer(), finishing: true)
            if rest.readableBytes > 0 { try await writer.write(rest) }
        }
        if let event = outcome.errorEvent(provider: provider, messages: messages) { try await writer.write(event) }
        try await writer.finish(nil)
    }
}
