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
    /// request arrived at `origin`.
    func run(_ input: Input, trace: inout RequestTrace, origin: ContinuousClock.Instant) throws(GateDenial) -> Output {
        let started = ContinuousClock.now
        do {
            let output = try evaluate(input)
            trace.append(GateSpan(id, .pass, nil, started: started, origin: origin))
            return output
        } catch {
            trace.append(GateSpan(id, error.decision, error.reason, started: started, origin: origin))
            throw error
        }
    }
}
