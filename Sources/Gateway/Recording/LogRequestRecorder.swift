import GatewayModel
import Logging
import Telemetry

/// Writes one structured log line per finished request at `debug` level (an access log that
/// costs nothing at the default `info` level).
public struct LogRequestRecorder: RequestRecorder {
    let logger: Logger

    /// Creates a recorder that logs to `logger`.
    public init(logger: Logger) { self.logger = logger }

    /// Takes the trace of a finished request.
    public func record(_ trace: RequestTrace) {
        guard logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "request_id": "\(trace.traceID)", "operation": "\(trace.operation)", "status": "\(trace.status)",
            "duration_ms": "\(Double(trace.durationNanos) / 1_000_000)",
        ]
        if let gate = trace.decidingGate { metadata["gate"] = "\(gate.gate)" }
        if !trace.reason.isEmpty { metadata["reason"] = "\(LogText.safe(trace.reason))" }
        if !trace.projectID.isEmpty { metadata["project"] = "\(LogText.safe(trace.projectID))" }
        if !trace.keyID.isEmpty { metadata["key"] = "\(LogText.safe(trace.keyID))" }
        if !trace.requestedModel.isEmpty { metadata["model"] = "\(LogText.safe(trace.requestedModel))" }
        if !trace.provider.isEmpty { metadata["provider"] = "\(LogText.safe(trace.provider))" }
        if trace.inputTokens > 0 || trace.outputTokens > 0 {
            metadata["tokens_in"] = "\(trace.inputTokens)"
            metadata["tokens_out"] = "\(trace.outputTokens)"
        }
        logger.debug("request finished", metadata: metadata)
    }
}
