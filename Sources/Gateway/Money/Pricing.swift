import GatewayModel
import Telemetry

/// Puts the cost of a served request into its trace.
enum Pricing {
    /// Prices `trace` from the provider's usage; without usage (a stream that ended early) or with
    /// usage that cannot be right, from estimates, flagged as such. A model without a price costs
    /// zero and is flagged unpriced.
    static func charge(_ trace: inout RequestTrace, usage: TokenUsage.Reading, snapshot: SnapshotIndex, promptEstimate: Int, outputEstimate: Int) {
        var cacheWrite = 0
        switch usage {
        case .valid(let usage):
            trace.setUsage(usage)
            cacheWrite = usage.cacheWrite
        case .absent, .invalid:
            trace.setUsage(TokenUsage(input: promptEstimate, cachedInput: 0, output: outputEstimate))
            trace.costFlags.insert(.estimated)
            if usage == .invalid { trace.costFlags.insert(.usageInvalid) }
        }
        guard let price = snapshot.price(model: trace.routedModel) ?? snapshot.price(model: trace.requestedModel) else {
            trace.costFlags.insert(.unpriced)
            return
        }
        trace.costMicroUSD = price.cost(
            input: Int(trace.inputTokens), cachedInput: Int(trace.cachedInputTokens), cacheWrite: cacheWrite, output: Int(trace.outputTokens))
    }
}
