/// The budget and rate limits configured on one scope (an org, a project or a key), with the ids
/// that own it: what the budget and rate-limit metrics report, one series set per scope.
public struct ScopeCaps: Sendable, Equatable {
    /// How wide the scope is.
    public enum Level: String, Sendable, CaseIterable {
        case org, project, key
    }

    /// How wide the scope is.
    public let level: Level
    /// The org the scope belongs to.
    public let org: String
    /// The project, for project and key scopes.
    public let project: String?
    /// The key id, for key scopes.
    public let key: String?
    /// The spending cap, if any.
    public let budget: Budget?
    /// The rate limits, if any.
    public let limits: RateLimits?

    /// Creates the caps of one scope.
    public init(level: Level, org: String, project: String? = nil, key: String? = nil, budget: Budget?, limits: RateLimits?) {
        self.level = level
        self.org = org
        self.project = project
        self.key = key
        self.budget = budget
        self.limits = limits
    }

    /// The scope's name in the spend ledger and the rate windows: `org/acme`, `project/chatbot`, `key/chatbot/ci`.
    public var name: String {
        switch level {
        case .org: "org/\(org)"
        case .project: "project/\(project ?? "")"
        case .key: "key/\(project ?? "")/\(key ?? "")"
        }
    }

    /// Whether the scope has a budget or rate limits.
    public var isCapped: Bool { budget != nil || limits != nil }
}
