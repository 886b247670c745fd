import GatewayModel

/// A request past `payload`: its body is a valid request of its endpoint.
struct Parsed: KeyCarrying {
    /// The request.
    let arrival: Arrival
    /// The configuration in force.
    let snapshot: SnapshotIndex
    /// The validated body.
    let payload: RequestPayload
}
