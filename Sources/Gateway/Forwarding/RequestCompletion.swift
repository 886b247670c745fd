import Telemetry

/// What happens once to every forwarded request when its answer is complete (for a stream: once
/// its last chunk was relayed, or it broke off): the budget reservation is settled with the real
/// cost, then the trace is recorded.
struct RequestCompletion: Sendable {
    /// The `budget` gate's hold, if the caller has budgets or limits.
    let reservation: Reservation?
    /// Where finished traces go.
    let recorder: any RequestRecorder

    /// Settles and records `trace`. Out of line: its copies of the trace stay on the thread's
    /// stack, not in the frame of the request's task that calls it.
    @inline(never)
    func finish(_ trace: RequestTrace) {
        reservation?.settle(trace)
        recorder.record(trace)
    }
}
