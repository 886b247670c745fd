import AsyncHTTPClient
import Collector
import ControlPlane
import ControlPlaneClient
import GatewayModel
import Gateway
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Telemetry

/// Applies each version the in-process control plane publishes: the one-process mode takes the
/// same snapshot path as a remote gateway, without the network.
struct LocalFollower: Service {
    let feed: SnapshotFeed
    let status: ReconcileStatus
    let apply: @Sendable (SnapshotDocument) -> Void

    func run() async throws {
        var version = feed.current?.document.version
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let after = version
            guard let next = await cancelWhenGracefulShutdown({ await feed.next(after: after, timeout: .seconds(30)) }) else { continue }
            apply(next.document)
            version = next.document.version
            status.succeeded(version: next.document.version)
        }
    }
}
