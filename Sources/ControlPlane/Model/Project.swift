/// A project inside an organization: its keys may call the models its routes name.
public struct Project: Sendable, Equatable {
    /// Project id, unique across the whole configuration.
    public var id: String
    /// Models this project may call and where they go.
    public var routes: [Route]
    /// API keys that act for this project.
    public var keys: [APIKey]

    /// Creates a project.
    public init(id: String, routes: [Route] = [], keys: [APIKey] = []) {
        self.id = id
        self.routes = routes
        self.keys = keys
    }
}
