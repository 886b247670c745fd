import Foundation

/// Rate limits and the object they cap, named like `project/chatbot` or `key/chatbot/ci`.
public struct ScopedLimits: Sendable, Equatable {
    /// The capped object, e.g. `key/chatbot/ci`.
    public let scope: String
    /// The limits.
    public let limits: RateLimits
    /// Creates scoped limits.
    public init(scope: String, limits: RateLimits) {
        self.scope = scope
        self.limits = limits
    }
}
