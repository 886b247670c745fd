import GatewayModel

/// The built-in configuration `gateway serve` uses when no file is given: one org, one project,
/// the model `mock-gpt` routed to the built-in `mock` provider, and one key.
public enum DemoConfig {
    /// The demo organization id.
    public static let org = "demo"
    /// The demo project id.
    public static let project = "playground"
    /// The demo model name.
    public static let model = "mock-gpt"

    /// A demo configuration whose only key is `key` (pass a freshly generated one).
    public static func make(key: String) -> GatewayConfig {
        GatewayConfig(
            providers: [ProviderConfig(name: "mock", kind: .mock)],
            orgs: [
                Org(
                    id: org,
                    projects: [
                        Project(
                            id: project,
                            routes: [
                                Route(model: model, targets: [RouteTarget(provider: "mock", model: model)]),
                                Route(model: "mock-embedding", targets: [RouteTarget(provider: "mock", model: "mock-embedding")]),
                            ],
                            keys: [APIKey(id: "demo", sha256: KeyHasher.sha256Hex(key))]
                        )
                    ]
                )
            ]
        )
    }
}
