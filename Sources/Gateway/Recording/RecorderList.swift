import Telemetry

/// Hands each trace to several recorders in turn.
public struct RecorderList: RequestRecorder {
    let recorders: [any RequestRecorder]

    /// Creates a list.
    public init(_ recorders: [any RequestRecorder]) { self.recorders = recorders }

    /// Takes the trace of a finished request.
    public func record(_ trace: RequestTrace) {
        for recorder in recorders { recorder.record(trace) }
    }
}
