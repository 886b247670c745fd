import AsyncHTTPClient
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
        client: HTTPClient,
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

    /// The shared, pooled upstream client: one per process, shut down by ``HTTPClientService``.
    public static func makeClient(connectTimeoutSeconds: Double, idleTimeoutSeconds: Double = 120) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .milliseconds(Int64(connectTimeoutSeconds * 1000)), read: .milliseconds(Int64(idleTimeoutSeconds * 1000))))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        // A refused connection fails the attempt at once: the upstream gate owns retries and fallback.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}

/// Keeps an HTTP client alive while the process runs and shuts it down gracefully afterwards.
public struct HTTPClientService: Service {
    let client: HTTPClient

    /// Wraps `client`.
    public init(client: HTTPClient) { self.client = client }

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
