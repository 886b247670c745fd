import GatewayModel

/// A stage the `key-auth` gate can read: the request (its headers carry the key) and the
/// configuration that knows the keys.
protocol KeyCarrying: Sendable {
    /// The request.
    var arrival: Arrival { get }
    /// The configuration in force.
    var snapshot: SnapshotIndex { get }
}
