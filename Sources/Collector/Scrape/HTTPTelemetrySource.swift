import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Telemetry

/// A remote gateway's ring, read over HTTP from its `/internal/telemetry`.
public struct HTTPTelemetrySource: TelemetrySource {
    let client: HTTPClient
    let baseURL: String
    let token: String?
    /// The source name, the `source` label of the scrape metrics.
    public let name: String

    /// Reads the gateway whose admin listener is at `baseURL`, presenting `token` if given.
    public init(client: HTTPClient, baseURL: String, token: String?) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.name = self.baseURL
    }

    /// A client for scraping: a gateway that is down fails the scrape at once instead of being
    /// retried until the connect timeout, so one dead gateway never delays the others.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(10)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Reads traces from `cursor` on.
    public func read(from cursor: UInt64) async throws -> RingBatch {
        var request = HTTPClientRequest(url: "\(baseURL)/internal/telemetry?cursor=\(cursor)&limit=\(Collector.batchLimit * 8)")
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 256 << 20)
        guard response.status == .ok else { throw ScrapeError(message: "\(baseURL) answered \(response.status.code)") }
        return try TraceBatchCodec.decode(Array(body.readableBytesView))
    }
}
