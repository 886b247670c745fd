/// One gate's evaluation within a request: a child span of the request's root span.
public struct GateSpan: Sendable, Equatable {
    /// The gate id, e.g. `key-auth`.
    public var gate: String
    /// The decision.
    public var decision: Decision
    /// Machine-readable reason of a deny or error, e.g. `key_missing`; empty on pass.
    public var reason: String
    /// Start, in nanoseconds after the request's start.
    public var startOffsetNanos: UInt64
    /// Duration in nanoseconds.
    public var durationNanos: UInt64

    /// Creates a gate span.
    public init(gate: String, decision: Decision, reason: String = "", startOffsetNanos: UInt64, durationNanos: UInt64) {
        self.gate = gate
        self.decision = decision
        self.reason = reason
        self.startOffsetNanos = startOffsetNanos
        self.durationNanos = durationNanos
    }
}
