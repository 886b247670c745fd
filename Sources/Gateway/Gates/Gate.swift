import NIOCore
import Telemetry

/// One policy check in the chain: it reads the stage the gates before it produced and either
/// passes the next stage on (what it learned added) or throws the ``GateDenial`` that stops the
/// request. A gate that only checks returns its input.
protocol Gate<Input, Output>: Sendable {
    /// What the gate reads.
    associatedtype Input: Sendable
    /// What it hands to the next gate.
    associatedtype Output: Sendable
    /// The gate's id.
    var id: GateID { get }
    /// Checks the request.
    func evaluate(_ input: Input) throws(GateDenial) -> Output
}

extension Gate {
    /// Evaluates the gate and records its decision and timing as a span of `trace`, whose
    /// request arrived at `origin`. The gate starts at `clock`, the end of the step before it,
    /// and leaves there its own end: one read of the clock per gate.
    func run(_ input: Input, trace: inout RequestTrace, origin: NIODeadline, clock: inout NIODeadline) throws(GateDenial) -> Output {
        let started = clock
        do {
            let output = try evaluate(input)
            clock = .now()
            trace.append(GateSpan(id, .pass, nil, started: started, ended: clock, origin: origin))
            return output
        } catch {
            clock = .now()
            trace.append(GateSpan(id, error.decision, error.reason, started: started, ended: clock, origin: origin))
            throw error
        }
    }
}
