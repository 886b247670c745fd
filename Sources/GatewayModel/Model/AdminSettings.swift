/// Settings of the admin listener (the `admin:` section): `/metrics` and the telemetry API.
public struct AdminSettings: Sendable, Equatable {
    /// Address the admin listener binds to.
    public var listen: ListenAddress
    /// Environment variable holding the platform admin bearer token.
    public var tokenEnv: String

    /// Creates settings.
    public init(listen: ListenAddress = .init(host: "127.0.0.1", port: 8081), tokenEnv: String = "GATEWAY_ADMIN_TOKEN") {
        self.listen = listen
        self.tokenEnv = tokenEnv
    }
}
