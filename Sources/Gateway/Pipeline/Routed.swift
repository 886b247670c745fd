import GatewayModel

/// A request past `routing`: the requested model has a route in the caller's project.
final class Routed: Sendable {
    /// The request.
    let arrival: Arrival
    /// The configuration in force.
    let snapshot: SnapshotIndex
    /// The validated body.
    let payload: RequestPayload
    /// Who is calling.
    let grant: KeyGrant
    /// Where the requested model goes.
    let route: Route
    /// The prices the route's worst case is taken from.
    let prices: RoutePrices

    init(arrival: Arrival, snapshot: SnapshotIndex, payload: RequestPayload, grant: KeyGrant, route: Route, prices: RoutePrices) {
        self.arrival = arrival
        self.snapshot = snapshot
        self.payload = payload
        self.grant = grant
        self.route = route
        self.prices = prices
    }
}
