import GatewayModel
import Logging
import Synchronization
import Telemetry

/// Settles each finished request's reservation with its recorded cost and tokens, and warns
/// once per model when a served model has no price.
final class MeteringRecorder: RequestRecorder {
    let metering: Metering
    let logger: Logger
    private let unpriced = Mutex<Set<String>>([])

    init(metering: Metering, logger: Logger) {
        self.metering = metering
        self.logger = logger
    }

    func record(_ trace: RequestTrace) {
        metering.settle(id: trace.traceID, cost: trace.costMicroUSD, tokens: Int(trace.inputTokens) + Int(trace.outputTokens))
        guard trace.costFlags.contains(.unpriced) else { return }
        let model = trace.routedModel.isEmpty ? trace.requestedModel : trace.routedModel
        guard unpriced.withLock({ $0.insert(model).inserted }) else { return }
        logger.warning(
            "model has no price: its requests are counted in gateway_unpriced_requests_total, not in cost or budgets",
            metadata: ["model": "\(LogText.safe(model))", "fix": "add it under prices: in the configuration or PUT /admin/v1/prices/\(LogText.safe(model))"])
    }
}
