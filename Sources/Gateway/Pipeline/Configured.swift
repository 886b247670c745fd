import GatewayModel

/// A request past `reconcile`: the configuration it is served under is fixed.
struct Configured: KeyCarrying {
    /// The request.
    let arrival: Arrival
    /// The configuration in force for this request, from start to end.
    let snapshot: SnapshotIndex
}
