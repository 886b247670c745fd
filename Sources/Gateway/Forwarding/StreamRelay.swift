import GatewayModel
import Hummingbird
import NIOCore
import Synchronization
import Telemetry
import WireJSON

/// Relays a provider's SSE stream to the client chunk by chunk, metering its usage on the way,
/// and finishes the request's trace however the stream ends: completed, the client gone, the
/// provider too slow or broken off (the last two with a final error event the client can read).
///
/// A class, so that the response body's closure holds it by one reference; it owns the trace
/// until the relay records it, so the trace is never copied on the way.
final class StreamRelay: Sendable {
    let chunks: any AsyncSequence<ByteBuffer, any Error> & Sendable
    /// The trace so far (status, provider, attempts), taken once by the relay to finish it.
    private let trace: Mutex<RequestTrace?>
    let snapshot: SnapshotIndex
    let promptEstimate: Int
    /// When the request arrived.
    let started: NIODeadline
    /// When the whole stream must be done.
    let deadline: NIODeadline
    let provider: String
    /// The client did not ask for the usage-only chunk, which the gateway asked for itself.
    let stripsUsageChunk: Bool
    /// The output guardrails, when the caller's policy checks answers.
    let outputGuard: StreamGuard?
    /// The stream is Anthropic Messages events (the `/v1/messages` front door).
    let messages: Bool
    let completion: RequestCompletion

    init(
        chunks: any AsyncSequence<ByteBuffer, any Error> & Sendable, trace: consuming RequestTrace, snapshot: SnapshotIndex, promptEstimate: Int,
        started: NIODeadline, deadline: NIODeadline, provider: String, stripsUsageChunk: Bool, outputGuard: StreamGuard?,
        messages: Bool, completion: RequestCompletion
    ) {
        self.chunks = chunks
        self.trace = Mutex(trace)
        self.snapshot = snapshot
        self.promptEstimate = promptEstimate
        self.started = started
        self.deadline = deadline
        self.provider = provider
        self.stripsUsageChunk = stripsUsageChunk
        self.outputGuard = outputGuard
        self.messages = messages
        self.completion = completion
    }

    /// What the relay has seen so far: the usage, how the stream ended, the output guard's state.
    struct Progress {
        var meter: StreamUsageMeter
        var outcome = StreamOutcome.completed
        var outputGuard: StreamGuard?
        let guardStarted = NIODeadline.now()

        /// Passes `bytes` through the output guard (then, when `finishing`, releases what it
        /// holds); notes a block in `outcome`.
        mutating func guarded(_ bytes: ByteBuffer, finishing: Bool = false) -> ByteBuffer {
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

        /// What the client gets of a provider's `chunk`.
        mutating func relay(_ chunk: ByteBuffer) -> ByteBuffer { guarded(meter.feed(chunk)) }

        /// What ends the answer: what the meter and the output guard still hold (unless the guard
        /// blocked it), then the error event of a stream that failed.
        mutating func closing(provider: String, messages: Bool) -> ByteBuffer {
            var out = outcome.isBlocked ? ByteBuffer() : guarded(meter.finish() ?? ByteBuffer(), finishing: true)
            if let event = outcome.errorEvent(provider: provider, messages: messages) { out.writeImmutableBuffer(event) }
            return out
        }
    }

    /// A fresh progress for this relay's stream.
    func makeProgress() -> Progress {
        Progress(meter: StreamUsageMeter(stripsUsageChunk: stripsUsageChunk, messages: messages), outputGuard: outputGuard)
    }

    /// Writes the stream to `writer`; throws when the client went away. Records the trace once,
    /// whichever way the stream ends. Call it once.
    func run(_ writer: inout some ResponseBodyWriter) async throws {
        var progress = makeProgress()
        do {
            try await relay(to: &writer, &progress)
        } catch {
            record(progress)
            throw error
        }
        record(progress)
    }

    private func relay(to writer: inout some ResponseBodyWriter, _ progress: inout Progress) async throws {
        do {
            for try await chunk in chunks {
                let relayed = progress.relay(chunk)
                do {
                    if relayed.readableBytes > 0 { try await writer.write(relayed) }
                } catch {
                    progress.outcome = .clientClosed
                    throw error
                }
                if progress.outcome.isBlocked { break }
                if NIODeadline.now() > deadline {
                    progress.outcome = .timedOut
                    break
                }
            }
        } catch {
            let ending = StreamOutcome(ending: error)
            // A closed client connection cancels this task, which ends the provider's stream too.
            if ending == .upstreamBroke, progress.outcome == .clientClosed || Task.isCancelled {
                progress.outcome = .clientClosed
                throw error
            }
            progress.outcome = ending
        }
        if Task.isCancelled {
            progress.outcome = .clientClosed
            throw CancellationError()
        }
        let closing = progress.closing(provider: provider, messages: messages)
        if closing.readableBytes > 0 { try await writer.write(closing) }
        try await writer.finish(nil)
    }

    /// Finishes the trace with what the stream showed and records it, the first time only. Out of
    /// line, so that the trace is finished on the thread's stack rather than in the request task's frame.
    @inline(never)
    func record(_ progress: borrowing Progress) {
        guard var trace = self.trace.withLock({ $0.take() }) else { return }
        // A blocked answer was still produced by the provider: its cost is recorded.
        if trace.status < 300 {
            Pricing.charge(&trace, usage: progress.meter.usage, snapshot: snapshot, promptEstimate: promptEstimate, outputEstimate: progress.meter.events)
        }
        for finding in progress.outputGuard?.findings ?? [] { trace.append(finding) }
        if let decided = progress.outcome.guardrailsDecision {
            trace.append(GateSpan(.guardrails, decided.decision, progress.outcome.reason, started: progress.guardStarted, origin: started))
            trace.status = UInt16(decided.status.code)
        }
        trace.durationNanos = NIODeadline.now().nanoseconds(since: started)
        if let reason = progress.outcome.reason { trace.reason = reason.rawValue }
        completion.finish(trace)
    }
}
