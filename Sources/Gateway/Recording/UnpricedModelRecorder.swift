import GatewayModel
import Logging
import Synchronization
import Telemetry

/// Warns once per model when a served model has no price: its requests count in
/// `gateway_unpriced_requests_total` but not in cost or budgets until an operator adds one.
final class UnpricedModelRecorder: RequestRecorder {
    let logger: Logger
    private let unpriced = Mutex<Set<String>>([])

    init(logger: Logger) { self.logger = logger }

    func record(_ trace: RequestTrace) {
        guard trace.costFlags.contains(.unpriced) else { return }
        let model = trace.routedModel.isEmpty ? trace.requestedModel : trace.routedModel
        guard unpriced.withLock({ $0.insert(model).inserted }) else { return }
        logger.warning(
            "model has no price: its requests are counted in gateway_unpriced_requests_total, not in cost or budgets",
            metadata: ["model": "\(LogText.safe(model))", "fix": "add it under prices: in the configuration or PUT /admin/v1/prices/\(LogText.safe(model))"])
    }
}
