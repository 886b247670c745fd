/// Settings of the telemetry pipeline (the `observability:` section).
public struct ObservabilitySettings: Sendable, Equatable {
    /// Whether the data plane records request traces.
    public var enabled: Bool
    /// Traces the in-process ring holds before the oldest are overwritten.
    public var ringCapacity: Int
    /// The `service.name` resource attribute of exported telemetry.
    public var serviceName: String
    /// The platform's export destinations, which receive every org's telemetry.
    public var export: ExportSettings

    /// Creates settings.
    public init(enabled: Bool = true, ringCapacity: Int = 65536, serviceName: String = "gateway", export: ExportSettings = .init()) {
        self.enabled = enabled
        self.ringCapacity = ringCapacity
        self.serviceName = serviceName
        self.export = export
    }
}
