import GatewayModel
import Telemetry

/// Counts summed over requests.
public struct UsageCounts: Sendable, Equatable {
    /// Requests.
    public var requests: UInt64 = 0
    /// Prompt tokens, cached included.
    public var inputTokens: UInt64 = 0
    /// Cached prompt tokens.
    public var cachedInputTokens: UInt64 = 0
    /// Completion tokens.
    public var outputTokens: UInt64 = 0
    /// Cost in micro-USD.
    public var costMicroUSD: Int64 = 0
    /// Requests whose model has no price (not counted in the cost).
    public var unpricedRequests: UInt64 = 0

    mutating func add(_ other: UsageCounts) {
        costMicroUSD = costMicroUSD.saturatingAdd(other.costMicroUSD)
        unpricedRequests = unpricedRequests.saturatingAdd(other.unpricedRequests)
        requests = requests.saturatingAdd(other.requests)
        inputTokens = inputTokens.saturatingAdd(other.inputTokens)
        cachedInputTokens = cachedInputTokens.saturatingAdd(other.cachedInputTokens)
        outputTokens = outputTokens.saturatingAdd(other.outputTokens)
    }
}

extension UsageCounts {
    /// The counts of one request.
    init(_ trace: borrowing RequestTrace) {
        self.init(
            requests: 1, inputTokens: UInt64(trace.inputTokens), cachedInputTokens: UInt64(trace.cachedInputTokens),
            outputTokens: UInt64(trace.outputTokens), costMicroUSD: trace.costMicroUSD, unpricedRequests: trace.costFlags.contains(.unpriced) ? 1 : 0)
    }
}
