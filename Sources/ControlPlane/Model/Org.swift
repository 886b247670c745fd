/// An organization: the tenant that owns projects and sees only its own telemetry.
public struct Org: Sendable, Equatable {
    /// Unique organization id.
    public var id: String
    /// The organization's projects.
    public var projects: [Project]

    /// Creates an organization.
    public init(id: String, projects: [Project] = []) {
        self.id = id
        self.projects = projects
    }
}
