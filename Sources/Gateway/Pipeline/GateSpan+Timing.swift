import Telemetry
import WireJSON

extension GateSpan {
    /// The span of `gate` that started at `started` and ends now, in a request that arrived at
    /// `origin`. Every span of the data plane is made here.
    init(_ gate: GateID, _ decision: Decision, _ reason: ReasonCode?, started: ContinuousClock.Instant, origin: ContinuousClock.Instant) {
        self.init(
            gate: gate.rawValue, decision: decision, reason: reason?.rawValue ?? "",
            startOffsetNanos: origin.duration(to: started).nanoseconds, durationNanos: started.duration(to: .now).nanoseconds)
    }
}
