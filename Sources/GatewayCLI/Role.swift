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

/// Which parts of the gateway a process runs.
enum Role: String, CaseIterable, Sendable {
    /// Every part in one process: control plane on the embedded store, data plane, collector.
    case all
    /// The data plane, following a remote control plane; its admin listener serves the ring.
    case gateway
    /// The admin API, the store and the snapshots gateways and collectors follow.
    case controlPlane = "control-plane"
    /// Scrapes gateways' rings, tags by org with the control plane's mapping, serves telemetry.
    case collector

    var runsDataPlane: Bool { self == .all || self == .gateway }
    var runsCollector: Bool { self == .all || self == .collector }
    var runsControlPlane: Bool { self == .all || self == .controlPlane }
}
