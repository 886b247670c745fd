/// The wire form of a configuration version: what `GET /config/v1/snapshot` returns and what
/// gateways apply. Listener settings stay local to each process; only the model travels.
public struct SnapshotDocument: Sendable, Equatable, Codable, VersionedDocument {
    /// The configuration version.
    public var version: Int
    /// Providers, sorted by name.
    public var providers: [ProviderConfig]
    /// Orgs with their projects, routes and keys (hashes only), sorted by id.
    public var orgs: [Org]
    /// Price overrides, sorted by model.
    public var prices: [Price]

    /// Creates a document.
    public init(version: Int, providers: [ProviderConfig], orgs: [Org], prices: [Price] = []) {
        self.version = version
        self.providers = providers
        self.orgs = orgs
        self.prices = prices
    }

    /// The configuration a process serves: its own `settings` with this document's model.
    public func config(settings: GatewayConfig) -> GatewayConfig {
        var config = settings
        config.providers = providers
        config.orgs = orgs
        config.prices = prices
        return config
    }
}
