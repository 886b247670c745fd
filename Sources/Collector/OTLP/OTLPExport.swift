import AsyncHTTPClient
import GatewayModel
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Telemetry

import struct Foundation.Date
import struct Foundation.UUID

/// Exports the collected telemetry over OTLP/HTTP: the platform's destinations receive every
/// org's spans and metric points (and `unattributed`'s, marked so), each org's own destinations
/// that org's and nothing else. The collector hands it each batch after tagging; the org
/// destinations follow the mapping the control plane supplies.
public final class OTLPExport: Service, Sendable {
    private let platform: [OTLPExporter]
    private let environment: [String: String]
    private let client: HTTPClient
    private let policy: OTLPRetryPolicy
    private let finalFlush: Duration
    private let logger: Logger
    private let resource: OTLPResource
    private let store: TelemetryStore
    private let startUnixNanos: UInt64
    private let state: Mutex<State>
    private let started: AsyncStream<OTLPExporter>.Continuation
    private let starts: AsyncStream<OTLPExporter>

    private struct State {
        var orgExports: [String: ExportSettings] = [:]
        var orgExporters: [OTLPExporter] = []
        var providerKinds: [String: String] = [:]
    }

    /// An export to the `platform` destinations and to each org's own, of the traces the collector
    /// hands it and the metrics of `store`; `environment` supplies the `headersEnv` values, `client`
    /// sends. `finalFlush` bounds what a graceful shutdown waits.
    public init(
        platform: [OTLPDestination], serviceName: String, environment: [String: String], client: HTTPClient, store: TelemetryStore,
        policy: OTLPRetryPolicy = .init(), finalFlush: Duration = .seconds(5), logger: Logger
    ) {
        self.store = store
        self.platform = platform.map { OTLPExporter(destination: $0, org: nil, environment: environment, policy: policy, finalFlush: finalFlush) }
        self.environment = environment
        self.client = client
        self.policy = policy
        self.finalFlush = finalFlush
        self.logger = logger
        self.resource = OTLPResource(serviceName: serviceName, instanceID: UUID().uuidString.lowercased())
        self.startUnixNanos = UInt64(Date().timeIntervalSince1970 * 1e9)
        self.state = Mutex(State())
        (starts, started) = AsyncStream.makeStream(of: OTLPExporter.self)
        for exporter in self.platform { started.yield(exporter) }
    }

    /// A client for exporting: a backend that is down fails the attempt at once (the exporter's own
    /// backoff decides when to try again) instead of being retried until the request's timeout.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Exports `traces`, tagged by `mapping`, to the destinations that receive them; first starts
    /// and stops org destinations as the mapping's changed.
    public func offer(_ traces: [RequestTrace], mapping: OrgMapping) {
        let orgExporters = follow(mapping)
        guard !platform.isEmpty || !orgExporters.isEmpty, !traces.isEmpty else { return }
        let platformTraces = platform.filter(\.sendsTraces)
        let orgTraces = orgExporters.filter(\.sendsTraces)
        guard !platformTraces.isEmpty || !orgTraces.isEmpty else { return }
        // The queues share the batch's traces rather than copy them.
        let exported = ExportBatch.tagged(traces, mapping: mapping) { org in !platformTraces.isEmpty || orgTraces.contains { $0.org == org } }
        // Each destination's queue is taken once per batch, not once per trace.
        for exporter in platformTraces { exporter.offer(exported) }
        for exporter in orgTraces { exporter.offer(ExportBatch.held(exported.filter { $0.org == exporter.org })) }
    }

    /// The org exporters for `mapping`'s exports, starting new destinations and stopping removed or changed ones.
    private func follow(_ mapping: OrgMapping) -> [OTLPExporter] {
        let exports = mapping.exports
        return state.withLock { state in
            if state.providerKinds != mapping.providerKinds { state.providerKinds = mapping.providerKinds }
            guard state.orgExports != exports else { return state.orgExporters }
            var kept: [OTLPExporter] = []
            for exporter in state.orgExporters {
                if let org = exporter.org, exports[org]?.otlp.contains(exporter.destination) == true {
                    kept.append(exporter)
                } else {
                    exporter.stop()
                }
            }
            for (org, settings) in exports.sorted(by: { $0.key < $1.key }) {
                for destination in settings.otlp where !kept.contains(where: { $0.org == org && $0.destination == destination }) {
                    let exporter = OTLPExporter(destination: destination, org: org, environment: environment, policy: policy, finalFlush: finalFlush)
                    kept.append(exporter)
                    started.yield(exporter)
                }
            }
            state.orgExports = exports
            state.orgExporters = kept
            return kept
        }
    }

    /// Runs every destination's loop until shutdown, then lets each flush for at most the final-flush time.
    public func run() async throws {
        let started = self.started
        // Encoding and compressing run below the data plane's threads and below the fold.
        await withTaskExecutorPreference(CollectorExecutor(niceness: CollectorExecutor.exportNiceness)) {
            await self.runExporters(started)
        }
    }

    private func runExporters(_ started: AsyncStream<OTLPExporter>.Continuation) async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await exporter in starts {
                    group.addTask { [self] in
                        await exporter.run(client: client, metrics: metricsRequest, resource: resource, logger: logger)
                    }
                }
            }
        } onGracefulShutdown: {
            started.finish()
        }
    }

    /// The metrics request of an org (every org's for nil), from the store.
    private var metricsRequest: OTLPExporter.MetricsRequest {
        { [self] org, now in
            OTLPMetrics.request(
                store: store, org: org, providerKinds: state.withLock { $0.providerKinds }, resource: resource, startUnixNanos: startUnixNanos,
                nowUnixNanos: now)
        }
    }

    /// The exporter's own metrics, per destination (`owner` is `platform` or the org).
    public var families: [MetricFamily] {
        let exporters = platform + state.withLock { $0.orgExporters }
        let labels = ["owner", "destination"]
        var spans = [String: MetricFamily]()
        var points = [String: MetricFamily]()
        for (outcome, help) in [
            ("produced", "Spans handed to the destination's queue."), ("sent", "Spans the destination accepted."),
            ("failed", "Spans given up on after retries or refused (4xx other than 429)."), ("dropped", "Spans dropped because the queue was full."),
            ("rejected", "Spans the destination rejected in a partial success."),
        ] {
            spans[outcome] = MetricFamily("gateway_otlp_spans_\(outcome)_total", .counter, help, labels: labels)
        }
        for (outcome, help) in [
            ("produced", "Metric data points exported to the destination."), ("sent", "Metric data points the destination accepted."),
            ("failed", "Metric data points given up on."), ("rejected", "Metric data points the destination rejected in a partial success."),
        ] {
            points[outcome] = MetricFamily("gateway_otlp_metric_points_\(outcome)_total", .counter, help, labels: labels)
        }
        var queued = MetricFamily("gateway_otlp_queue_spans", .gauge, "Spans waiting for the destination, the batch in flight included.", labels: labels)
        var capacity = MetricFamily("gateway_otlp_queue_capacity_spans", .gauge, "Most spans the destination's queue holds.", labels: labels)
        var retries = MetricFamily("gateway_otlp_retries_total", .counter, "Export requests sent again after a retryable failure.", labels: labels)
        var lastSuccess = MetricFamily(
            "gateway_otlp_last_success_timestamp_seconds", .gauge, "Unix time of the destination's last accepted export.", labels: labels)
        for exporter in exporters {
            let reading = exporter.reading
            let series = exporter.labels
            spans["produced"]!.set(Double(reading.spans.produced), series)
            spans["sent"]!.set(Double(reading.spans.sent), series)
            spans["failed"]!.set(Double(reading.spans.failed), series)
            spans["dropped"]!.set(Double(reading.spans.dropped), series)
            spans["rejected"]!.set(Double(reading.spans.rejected), series)
            points["produced"]!.set(Double(reading.points.produced), series)
            points["sent"]!.set(Double(reading.points.sent), series)
            points["failed"]!.set(Double(reading.points.failed), series)
            points["rejected"]!.set(Double(reading.points.rejected), series)
            queued.set(Double(reading.queued), series)
            capacity.set(Double(reading.capacity), series)
            retries.set(Double(reading.retries), series)
            if let date = reading.lastSuccess { lastSuccess.set(date.timeIntervalSince1970, series) }
        }
        let order = ["produced", "sent", "failed", "dropped", "rejected"]
        return order.compactMap { spans[$0] } + order.compactMap { points[$0] } + [queued, capacity, retries, lastSuccess]
    }
}
