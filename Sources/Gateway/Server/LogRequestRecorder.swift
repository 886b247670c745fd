import Logging

/// Writes one structured log line per finished request at `debug` level (an access log that costs
/// nothing at the default `info` level).
public struct LogRequestRecorder: RequestRecorder {
    let logger: Logger

    /// Creates a recorder that logs to `logger`.
    public init(logger: Logger) { self.logger = logger }

    public func record(_ record: RequestRecord) {
        guard logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "request_id": "\(record.requestID)", "path": "\(record.path)", "status": "\(record.status)",
            "duration_ms": "\(Double(record.duration.components.attoseconds / 1_000_000_000_000) / 1000 + Double(record.duration.components.seconds) * 1000)",
        ]
        if let gate = record.deniedBy { metadata["gate"] = "\(gate.rawValue)" }
        if let reason = record.reason { metadata["reason"] = "\(reason)" }
        if let project = record.projectID { metadata["project"] = "\(project)" }
        if let key = record.keyID { metadata["key"] = "\(key)" }
        if let model = record.requestedModel { metadata["model"] = "\(model)" }
        if let provider = record.provider { metadata["provider"] = "\(provider)" }
        if let usage = record.usage {
            metadata["tokens_in"] = "\(usage.input)"
            metadata["tokens_out"] = "\(usage.output)"
        }
        logger.debug("request finished", metadata: metadata)
    }
}
