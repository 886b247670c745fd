import GatewayModel
import Logging
import NIOCore
import ServiceLifecycle

import struct Foundation.Date

/// Closes the upstream client's idle connections when the process shuts down.
public struct UpstreamClientService: Service {
    let client: UpstreamClient

    /// Wraps `client`.
    public init(client: UpstreamClient) { self.client = client }

    /// Runs until cancelled or shut down gracefully.
    public func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
