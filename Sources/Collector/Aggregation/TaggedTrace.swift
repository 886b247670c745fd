import GatewayModel
import Telemetry

/// A trace with the org its project maps to (``OrgMapping/unattributed`` when none).
public struct TaggedTrace: Sendable {
    /// The owning org.
    public let org: String
    /// The trace.
    public let trace: RequestTrace
}

/// Per-minute usage of one org, project and model.
struct UsageKey: Hashable {
    var minute: Int64
    var org: String
    var project: String
    var model: String
}

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

/// One group of a usage answer.
public struct UsageRow: Sendable, Equatable {
    /// Group values by dimension (`project`, `model`).
    public var group: [String: String]
    /// The counts.
    public var counts: UsageCounts
}
