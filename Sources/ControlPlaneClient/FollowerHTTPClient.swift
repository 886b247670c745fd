import AsyncHTTPClient
import NIOCore

/// The HTTP client of the control-plane followers and the remote spend ledger.
public enum FollowerHTTPClient {
    /// A client with a short connect timeout and reads long enough for a 60 s long-poll.
    public static func make() -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(75)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}
