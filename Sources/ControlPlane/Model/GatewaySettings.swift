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

    /// Creates settings.
    public init(
        listen: ListenAddress = .init(host: "127.0.0.1", port: 8080),
        maxRequestBytes: Int = GatewaySettings.defaultMaxRequestBytes,
        upstreamConnectTimeoutSeconds: Double = 5
    ) {
        self.listen = listen
        self.maxRequestBytes = maxRequestBytes
        self.upstreamConnectTimeoutSeconds = upstreamConnectTimeoutSeconds
    }
}
