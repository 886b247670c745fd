/// An organization: the tenant that owns projects and sees only its own telemetry.
public struct Org: Sendable, Equatable, Codable {
    /// Unique organization id.
    public var id: String
    /// The organization's projects.
    public var projects: [Project]
    /// SHA-256 hex of the tokens that may read this org's telemetry.
    public var telemetryTokenSha256: [String]
    /// Spending cap over all of the org's projects.
    public var budget: Budget?
    /// The org's own export destinations, which receive its telemetry and no other org's.
    public var export: ExportSettings

    /// Creates an organization.
    public init(id: String, projects: [Project] = [], telemetryTokenSha256: [String] = [], budget: Budget? = nil, export: ExportSettings = .init()) {
        self.id = id
        self.projects = projects
        self.telemetryTokenSha256 = telemetryTokenSha256
        self.budget = budget
        self.export = export
    }
}
