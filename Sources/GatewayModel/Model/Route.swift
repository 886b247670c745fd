/// Maps a model name that clients request to one or more provider targets.
public struct Route: Sendable, Equatable, Codable {
    /// The model name clients send, e.g. `gpt-4o-mini`.
    public var model: String
    /// Where requests for ``model`` go. The first attempt is a weighted choice among targets of
    /// positive weight; on failure the remaining targets are tried in listed order.
    public var targets: [RouteTarget]

    /// Creates a route.
    public init(model: String, targets: [RouteTarget]) {
        self.model = model
        self.targets = targets
    }
}

/// One destination of a route: a provider and the model name to send it.
public struct RouteTarget: Sendable, Equatable, Codable {
    /// Name of a configured provider.
    public var provider: String
    /// Model name sent upstream in place of the requested one.
    public var model: String
    /// Relative share of first attempts; 0 makes the target a fallback only.
    public var weight: Int

    /// Creates a target.
    public init(provider: String, model: String, weight: Int = 1) {
        self.provider = provider
        self.model = model
        self.weight = weight
    }
}
