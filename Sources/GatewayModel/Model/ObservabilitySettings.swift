/// Settings of the telemetry pipeline (the `observability:` section).
public struct ObservabilitySettings: Sendable, Equatable {
    /// Whether the data plane records request traces.
    public var enabled: Bool
    /// Traces the in-process ring holds before the oldest are overwritten.
    public var ringCapacity: Int
    /// How often, in milliseconds, the collector folds what its sources hold; nil for the default:
    /// 5 for this process's own ring, 50 for remote rings scraped over HTTP. A longer interval
    /// folds larger batches, at less cost per trace, into views that are that much older.
    public var collectIntervalMilliseconds: Int?
    /// The `service.name` resource attribute of exported telemetry.
    public var serviceName: String
    /// The platform's export destinations, which receive every org's telemetry.
    public var export: ExportSettings

    /// Creates settings.
    public init(
        enabled: Bool = true, ringCapacity: Int = 65536, collectIntervalMilliseconds: Int? = nil, serviceName: String = "gateway",
        export: ExportSettings = .init()
    ) {
        self.enabled = enabled
        self.ringCapacity = ringCapacity
        self.collectIntervalMilliseconds = collectIntervalMilliseconds
        self.serviceName = serviceName
        self.export = export
    }
}
