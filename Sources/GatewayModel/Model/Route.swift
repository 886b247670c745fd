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
