import Telemetry

/// Encodes traces as the exporter does, without a destination, so the benchmarks can measure the
/// encoder alone.
@_spi(Benchmarks)
public struct OTLPEncodingBenchmark: Sendable {
    private let traces: [ExportedTrace]
    private let resource = OTLPResource(serviceName: "gateway", instanceID: "bench")

    /// An encoder of `traces`, each owned by `org`.
    public init(traces: [RequestTrace], org: String) {
        let batch = ExportBatch(traces: traces, tags: [ExportBatch.Tags(org: org, providerKind: "openai", serverAddress: "127.0.0.1")])
        self.traces = traces.indices.map { ExportedTrace(batch: batch, index: $0, tag: 0) }
    }

    /// Encodes the traces as one export request; returns its size in bytes.
    public func run() -> Int { OTLPTraceEncoding.request(traces, resource: resource).count }
}
