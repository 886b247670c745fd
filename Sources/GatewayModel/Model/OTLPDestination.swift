/// An OpenTelemetry backend that receives traces and metrics over OTLP/HTTP with protobuf bodies:
/// the platform's (every org's telemetry) or an org's own (that org's only).
public struct OTLPDestination: Sendable, Equatable, Codable {
    /// What a destination receives.
    public enum Signal: String, Sendable, CaseIterable, Codable {
        /// One span per request, per gate evaluated and per upstream exchange.
        case traces
        /// Cumulative GenAI and gateway metrics, every ``OTLPDestination/metricsIntervalSeconds``.
        case metrics
    }

    /// How request bodies are encoded.
    public enum Compression: String, Sendable, CaseIterable, Codable {
        /// `Content-Encoding: gzip`.
        case gzip
        /// Plain protobuf.
        case none
    }

    /// Name, unique among the destinations of its owner; a label of the exporter's own metrics.
    public var name: String
    /// Base URL; `/v1/traces` and `/v1/metrics` are appended.
    public var endpoint: String
    /// The signals sent.
    public var signals: [Signal]
    /// Body encoding.
    public var compression: Compression
    /// Header values sent as written.
    public var headers: [String: String]
    /// Header values read from these environment variables of the exporting process, never written in configuration.
    public var headersEnv: [String: String]
    /// Time allowed for one export request.
    public var timeoutSeconds: Double
    /// Spans held while the backend is slow or away; past it the oldest are dropped and counted.
    public var queueSpans: Int
    /// Interval between metric exports.
    public var metricsIntervalSeconds: Double

    /// Creates a destination.
    public init(
        name: String, endpoint: String, signals: [Signal] = Signal.allCases, compression: Compression = .gzip, headers: [String: String] = [:],
        headersEnv: [String: String] = [:], timeoutSeconds: Double = 10, queueSpans: Int = 8192, metricsIntervalSeconds: Double = 15
    ) {
        self.name = name
        self.endpoint = endpoint
        self.signals = signals
        self.compression = compression
        self.headers = headers
        self.headersEnv = headersEnv
        self.timeoutSeconds = timeoutSeconds
        self.queueSpans = queueSpans
        self.metricsIntervalSeconds = metricsIntervalSeconds
    }

    /// Whether `signal` is sent.
    public func sends(_ signal: Signal) -> Bool { signals.contains(signal) }
}
