/// Where telemetry is exported (the `export:` section of `observability` and of an org).
public struct ExportSettings: Sendable, Equatable, Codable {
    /// OTLP/HTTP destinations.
    public var otlp: [OTLPDestination]

    /// Creates settings.
    public init(otlp: [OTLPDestination] = []) {
        self.otlp = otlp
    }
}
