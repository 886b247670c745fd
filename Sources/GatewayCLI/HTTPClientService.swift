import AsyncHTTPClient
import ServiceLifecycle

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
