/// The whole declarative configuration model: listener settings, providers and tenants.
///
/// It is what the YAML file describes and what a ``SnapshotIndex`` freezes for the data plane.
public struct GatewayConfig: Sendable, Equatable {
    /// Data-plane listener and request limits.
    public var gateway: GatewaySettings
    /// Admin listener: metrics and the telemetry API.
    public var admin: AdminSettings
    /// The telemetry pipeline.
    public var observability: ObservabilitySettings
    /// Where the control plane keeps the model.
    public var store: StoreSettings
    /// The remote control plane this process follows, if any.
    public var controlPlane: ControlPlaneSettings
    /// Upstream providers that routes point at, by name.
    public var providers: [ProviderConfig]
    /// Organizations with their projects, routes and keys.
    public var orgs: [Org]
    /// Prices that replace or add to the built-in ``PriceTable``.
    public var prices: [Price]

    /// Creates a configuration.
    public init(
        gateway: GatewaySettings = .init(),
        admin: AdminSettings = .init(),
        observability: ObservabilitySettings = .init(),
        store: StoreSettings = .init(),
        controlPlane: ControlPlaneSettings = .init(),
        providers: [ProviderConfig] = [],
        orgs: [Org] = [],
        prices: [Price] = []
    ) {
        self.gateway = gateway
        self.admin = admin
        self.observability = observability
        self.store = store
        self.controlPlane = controlPlane
        self.providers = providers
        self.orgs = orgs
        self.prices = prices
    }
}
