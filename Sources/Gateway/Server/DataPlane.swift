import ControlPlane
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

import struct Foundation.Date

/// Builds the data-plane HTTP application: the OpenAI-compatible API behind the gate chain.
public enum DataPlane {
    /// The router with every data-plane endpoint, for serving or for in-process tests.
    public static func router(
        active: ActiveSnapshot,
        client: UpstreamClient,
        environment: [String: String],
        metering: Metering = Metering(),
        recorder: any RequestRecorder,
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        let pool = ProviderPool(client: client, environment: environment)
        DataPlaneRoutes(active: active, pool: pool, metering: metering, recorder: recorder, logger: logger, now: now).add(to: router)
        return router
    }
}

/// Closes the upstream client's idle connections when the process shuts down.
public struct UpstreamClientService: Service {
    let client: UpstreamClient

    /// Wraps `client`.
    public init(client: UpstreamClient) { self.client = client }

    public func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
