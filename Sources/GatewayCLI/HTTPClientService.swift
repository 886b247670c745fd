import AsyncHTTPClient
import ServiceLifecycle

/// Keeps an HTTP client alive while the process runs and shuts it down gracefully afterwards.
struct HTTPClientService: Service {
    let client: HTTPClient

    /// Wraps `client`.
    init(client: HTTPClient) { self.client = client }

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
