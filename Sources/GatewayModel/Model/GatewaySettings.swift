/// Settings of the data-plane listener (the `gateway:` section).
public struct GatewaySettings: Sendable, Equatable {
    /// Default for ``maxRequestBytes``: 10 MiB.
    public static let defaultMaxRequestBytes = 10 * 1024 * 1024

    /// Address the OpenAI-compatible API listens on.
    public var listen: ListenAddress
    /// Largest request body accepted; larger ones are stopped by the `payload` gate with 413.
    public var maxRequestBytes: Int
    /// Time allowed to open a connection to a provider, shared by every provider.
    public var upstreamConnectTimeoutSeconds: Double
    /// Most client connections open at once; nil derives it from the descriptor limit.
    public var maxConnections: Int?
    /// Time a client has to send a whole request head, from its first byte (or from accepting).
    public var headerTimeoutSeconds: Double
    /// Longest pause allowed between two reads of a request body.
    public var bodyTimeoutSeconds: Double
    /// Time a kept-alive connection may wait for its next request.
    public var idleTimeoutSeconds: Double

    /// Creates settings.
    public init(
        listen: ListenAddress = .init(host: "127.0.0.1", port: 8080),
        maxRequestBytes: Int = GatewaySettings.defaultMaxRequestBytes,
        upstreamConnectTimeoutSeconds: Double = 5,
        maxConnections: Int? = nil,
        headerTimeoutSeconds: Double = 30,
        bodyTimeoutSeconds: Double = 30,
        idleTimeoutSeconds: Double = 60
    ) {
        self.listen = listen
        self.maxRequestBytes = maxRequestBytes
        self.upstreamConnectTimeoutSeconds = upstreamConnectTimeoutSeconds
        self.maxConnections = maxConnections
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }
}
