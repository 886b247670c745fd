import GatewayModel
import HTTPTypes
import Telemetry

/// The ordered gates in front of an operation. Runs them in turn and records each one's
/// decision and timing as a span of the request's trace.
struct GateChain: Sendable {
    let gates: [any Gate]

    /// Runs every gate; rethrows the first denial after recording it.
    func run(_ exchange: inout Exchange, trace: inout RequestTrace) async throws(GateDenial) {
        for gate in gates {
            let started = ContinuousClock.now
            do {
                try await gate.evaluate(&exchange)
                trace.append(span(gate.id, .pass, "", started, exchange.started))
            } catch {
                trace.append(span(gate.id, error.decision, error.reason, started, exchange.started))
                throw error
            }
        }
    }

    private func span(_ gate: GateID, _ decision: Decision, _ reason: String, _ started: ContinuousClock.Instant, _ origin: ContinuousClock.Instant) -> GateSpan {
        let now = ContinuousClock.now
        return GateSpan(
            gate: gate.rawValue, decision: decision, reason: reason,
            startOffsetNanos: origin.duration(to: started).nanoseconds, durationNanos: started.duration(to: now).nanoseconds)
    }
}

extension Duration {
    /// Whole nanoseconds, clamped at zero.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        let value = seconds.saturatingMultiply(1_000_000_000).saturatingAdd(attoseconds / 1_000_000_000)
        return value > 0 ? UInt64(value) : 0
    }
}

extension GateDenial {
    /// How telemetry classes this denial: `error` when a dependency failed, else `deny`.
    var decision: Decision { status.code >= 500 ? .error : .deny }
}
