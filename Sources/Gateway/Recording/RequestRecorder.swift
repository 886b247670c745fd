import Telemetry

/// Receives the trace of every finished request (for a stream: once the last chunk was relayed).
public protocol RequestRecorder: Sendable {
    /// Called once per request on its connection's event loop; must not block or do I/O.
    func record(_ trace: RequestTrace)
}

extension TelemetryRing: RequestRecorder {
    /// Takes the trace of a finished request.
    public func record(_ trace: RequestTrace) { append(trace) }
}
