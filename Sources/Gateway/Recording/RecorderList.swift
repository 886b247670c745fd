import Telemetry

/// Hands each trace to several recorders in turn.
public struct RecorderList: RequestRecorder {
    let recorders: [any RequestRecorder]

    /// Creates a list. A list among `recorders` gives its own recorders in its place, so that a
    /// trace passes through one list, not one within another.
    public init(_ recorders: [any RequestRecorder]) {
        self.recorders = recorders.flatMap { ($0 as? RecorderList)?.recorders ?? [$0] }
    }

    /// Takes the trace of a finished request. Each recorder is called where it lies in the list:
    /// a `for recorder in recorders` loop would copy each one out first, retaining it.
    public func record(_ trace: RequestTrace) {
        for index in recorders.indices { recorders[index].record(trace) }
    }
}
