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
