import ControlPlane
import Telemetry

/// Puts the cost of a served request into its trace.
enum Pricing {
    /// Prices `trace` from the provider's usage; without usage (a stream that ended early) from
    /// estimates, flagged as such. A model without a price costs zero and is flagged unpriced.
    static func charge(_ trace: inout RequestTrace, usage: TokenUsage?, snapshot: ConfigSnapshot, promptEstimate: Int, outputEstimate: Int) {
        if let usage {
            trace.setUsage(usage)
        } else {
            trace.setUsage(TokenUsage(input: promptEstimate, cachedInput: 0, output: outputEstimate))
            trace.costFlags.insert(.estimated)
        }
        guard let price = snapshot.price(model: trace.routedModel) ?? snapshot.price(model: trace.requestedModel) else {
            trace.costFlags.insert(.unpriced)
            return
        }
        trace.costMicroUSD = price.cost(input: Int(trace.inputTokens), cachedInput: Int(trace.cachedInputTokens), output: Int(trace.outputTokens))
    }
}
