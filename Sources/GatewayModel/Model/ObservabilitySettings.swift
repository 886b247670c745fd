/// Settings of the telemetry pipeline (the `observability:` section).
public struct ObservabilitySettings: Sendable, Equatable {
    /// Whether the data plane records request traces.
    public var enabled: Bool
    /// Traces the in-process ring holds before the oldest are overwritten.
    public var ringCapacity: Int

    /// Creates settings.
    public init(enabled: Bool = true, ringCapacity: Int = 65536) {
        self.enabled = enabled
        self.ringCapacity = ringCapacity
    }
}
