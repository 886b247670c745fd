import GatewayModel
import Synchronization

/// The configuration snapshot the data plane currently serves.
///
/// Applying a snapshot is one reference swap: requests that already read the previous one finish
/// with it. Nil until a first configuration is applied, which the `reconcile` gate reports as 503.
public final class ActiveSnapshot: Sendable {
    private let current: Mutex<SnapshotIndex?>

    /// Creates a holder, optionally with a first snapshot.
    public init(_ snapshot: SnapshotIndex? = nil) { current = Mutex(snapshot) }

    /// The snapshot in force.
    public var snapshot: SnapshotIndex? { current.withLock { $0 } }

    /// Replaces the snapshot in force.
    public func apply(_ snapshot: SnapshotIndex) { current.withLock { $0 = snapshot } }
}
