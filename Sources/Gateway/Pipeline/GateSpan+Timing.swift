import NIOCore
import Telemetry
import WireJSON

extension GateSpan {
    /// The span of `gate` that ran from `started` to `ended`, in a request that arrived at
    /// `origin`. Every span of the data plane is made here.
    init(_ gate: GateID, _ decision: Decision, _ reason: ReasonCode?, started: NIODeadline, ended: NIODeadline = .now(), origin: NIODeadline) {
        self.init(
            gate: gate.rawValue, decision: decision, reason: reason?.rawValue ?? "",
            startOffsetNanos: started.nanoseconds(since: origin), durationNanos: ended.nanoseconds(since: started))
    }
}
