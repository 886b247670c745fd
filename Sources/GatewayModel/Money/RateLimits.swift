import Foundation

/// Requests-per-minute and tokens-per-minute caps; nil fields are unlimited.
public struct RateLimits: Sendable, Equatable, Codable {
    /// Requests allowed in any sliding minute.
    public var requestsPerMinute: Int?
    /// Prompt plus completion tokens allowed in any sliding minute.
    public var tokensPerMinute: Int?

    /// Creates limits.
    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }
}
