import GatewayModel
import Logging
import NIOCore
import ServiceLifecycle

import struct Foundation.Date

/// Builds the data plane: the OpenAI-compatible API behind the gate chain.
public enum DataPlane {
    /// Every data-plane endpoint behind its gate chain, for ``DataPlaneServer``.
    public static func routes(
        active: ActiveSnapshot,
        client: UpstreamClient,
        environment: [String: String],
        metering: Metering = Metering(),
        recorder: any RequestRecorder,
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) -> DataPlaneRoutes {
        let pool = ProviderPool(client: client, environment: environment)
        let mcp = MCPForwarder(client: client, sessions: MCPSessions(), environment: environment)
        return DataPlaneRoutes(active: active, pool: pool, mcp: mcp, metering: metering, recorder: recorder, logger: logger, now: now)
    }
}
