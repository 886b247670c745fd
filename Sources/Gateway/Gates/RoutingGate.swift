import GatewayModel
import HTTPTypes
import Telemetry
import WireJSON
/// Finds the route of the requested model in the key's project (404 when there is none).
struct RoutingGate: Gate {
    var id: GateID { .routing }

    func evaluate(_ caller: Authenticated<Parsed>) throws(GateDenial) -> Routed {
        let parsed = caller.base
        let snapshot = parsed.snapshot
        let project = caller.grant.projectID
        let model = parsed.payload.model
        guard let (route, prices) = snapshot.route(model: model, project: project) else {
            let routed = snapshot.models(project: project)
            let available = routed.isEmpty ? "it routes no models yet" : "it routes: \(routed.joined(separator: ", "))"
            let model = RequestTrace.clipped(model)  // the answer repeats no more of a client's text than a trace keeps
            throw GateDenial(
                gate: .routing, status: .notFound, reason: .modelNotRouted,
                message: "Model '\(model)' is not routed for project '\(project)'; add a route for model '\(model)' in project '\(project)' (\(available)).",
                param: "model")
        }
        return Routed(arrival: parsed.arrival, snapshot: snapshot, payload: parsed.payload, grant: caller.grant, route: route, prices: prices)
    }
}
