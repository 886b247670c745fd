import Telemetry

/// Settles each finished request's reservation with its recorded cost and tokens.
struct MeteringRecorder: RequestRecorder {
    let metering: Metering

    func record(_ trace: RequestTrace) {
        metering.settle(id: trace.traceID, cost: trace.costMicroUSD, tokens: Int(trace.inputTokens) + Int(trace.outputTokens))
    }
}
