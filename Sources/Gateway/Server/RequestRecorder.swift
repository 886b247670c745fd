import Telemetry

/// Receives the trace of every finished request (for a stream: once the last chunk was relayed).
public protocol RequestRecorder: Sendable {
    /// Called once per request on the request's task; must not block or do I/O.
    func record(_ trace: RequestTrace)
}

extension TelemetryRing: RequestRecorder {
    public func record(_ trace: RequestTrace) { append(trace) }
}

/// Hands each trace to several recorders in turn.
public struct RecorderList: RequestRecorder {
    let recorders: [any RequestRecorder]

    /// Creates a list.
    public init(_ recorders: [any RequestRecorder]) { self.recorders = recorders }

    public func record(_ trace: RequestTrace) {
        for recorder in recorders { recorder.record(trace) }
    }
}
