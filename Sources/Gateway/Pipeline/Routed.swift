import GatewayModel

/// A request past `routing`: the requested model has a route in the caller's project.
struct Routed: Sendable {
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
}
