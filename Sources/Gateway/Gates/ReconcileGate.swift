import HTTPTypes
import WireJSON
/// Stops every request with 503 until the gateway has applied a first configuration.
struct ReconcileGate: Gate {
    let active: ActiveSnapshot
    var id: GateID { .reconcile }

    func evaluate(_ arrival: Arrival) throws(GateDenial) -> Configured {
        guard let snapshot = active.snapshot else {
            throw GateDenial(
                gate: .reconcile, status: .serviceUnavailable, reason: .configNotApplied,
                message: "The gateway has not applied a configuration yet; retry in a few seconds.")
        }
        return Configured(arrival: arrival, snapshot: snapshot)
    }
}
