import AsyncHTTPClient
import CompressNIO
import GatewayModel
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

import struct Foundation.Date

/// Delivers one destination's telemetry: a bounded queue of encoded spans and one loop that sends
/// them in batches of at most ``batchLimit`` to `{endpoint}/v1/traces`, and the cumulative metrics
/// to `{endpoint}/v1/metrics` every interval. Failed exports are retried as ``OTLPRetryPolicy``
/// says; a slow or dead backend fills this queue only, never the data plane or another destination.
final class OTLPExporter: Sendable {
    /// Most spans in one export request.
    static let batchLimit = 512
    /// gzip at its fastest level: export bodies repeat themselves, so even this level shrinks them
    /// several times, at a fraction of the default level's CPU.
    static let gzip = CompressionAlgorithm.gzip(configuration: .init(compressionLevel: .fastestCompression))

    /// Builds the metrics request of an org (every org's for nil) at a time in Unix nanoseconds.
    typealias MetricsRequest = @Sendable (_ org: String?, _ nowUnixNanos: UInt64) -> (bytes: [UInt8], points: Int)?

    /// How the metric points of one destination have fared: produced = sent + failed + rejected.
    struct PointCounts: Sendable, Equatable {
        var produced: UInt64 = 0
        var sent: UInt64 = 0
        var failed: UInt64 = 0
        var rejected: UInt64 = 0
    }

    /// What the self-metrics read.
    struct Reading: Sendable {
        let spans: SpanQueue<ExportedTrace>.Counts
        let queued: Int
        let capacity: Int
        let points: PointCounts
        let retries: UInt64
        let lastSuccess: Date?
    }

    /// The destination.
    let destination: OTLPDestination
    /// The org whose telemetry it receives; nil for a platform destination (every org's).
    let org: String?
    private let headers: HTTPHeaders
    private let policy: OTLPRetryPolicy
    private let finalFlush: Duration
    private let queue: Mutex<SpanQueue<ExportedTrace>>
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)

    private struct State {
        var points = PointCounts()
        var retries: UInt64 = 0
        var lastSuccess: Date?
    }

    /// An exporter to `destination` for `org` (nil: the platform); `environment` supplies
    /// `headersEnv`, `policy` says how long to retry, and a shutdown waits at most `finalFlush`.
    init(destination: OTLPDestination, org: String?, environment: [String: String], policy: OTLPRetryPolicy, finalFlush: Duration) {
        self.destination = destination
        self.org = org
        self.policy = policy
        self.finalFlush = finalFlush
        var headers = HTTPHeaders()
        for (name, value) in destination.headers.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        for (name, variable) in destination.headersEnv.sorted(by: { $0.key < $1.key }) {
            if let value = environment[variable], !value.isEmpty { headers.replaceOrAdd(name: name, value: value) }
        }
        headers.add(name: "content-type", value: "application/x-protobuf")
        headers.add(name: "user-agent", value: "gateway/\(GatewayVersion.current)")
        if destination.compression == .gzip { headers.add(name: "content-encoding", value: "gzip") }
        self.headers = headers
        self.queue = Mutex(SpanQueue(capacity: destination.queueSpans))
    }

    /// The self-metrics' label values: owner (`platform` or the org) and destination name.
    var labels: [String] { [org ?? "platform", destination.name] }

    /// Whether it receives spans.
    var sendsTraces: Bool { destination.sends(.traces) }

    /// Queues the spans of `traces`, in order.
    func offer(_ traces: some Sequence<ExportedTrace>) {
        queue.withLock { queue in
            for trace in traces { queue.append(trace, spans: trace.spanCount) }
        }
    }

    /// The counts for the self-metrics.
    var reading: Reading {
        let (spans, queued, capacity) = queue.withLock { ($0.counts, $0.queued, $0.capacity) }
        return state.withLock { Reading(spans: spans, queued: queued, capacity: capacity, points: $0.points, retries: $0.retries, lastSuccess: $0.lastSuccess) }
    }

    /// Ends ``run(client:metrics:resource:logger:)`` at its next step (the destination was removed).
    func stop() { stopped.store(true, ordering: .relaxed) }

    /// Sends until cancelled, stopped or shut down, then flushes what waits for at most `finalFlush`.
    func run(client: HTTPClient, metrics: MetricsRequest, resource: OTLPResource, logger: Logger) async {
        let clock = ContinuousClock()
        let interval = Duration.milliseconds(Int64(destination.metricsIntervalSeconds * 1000))
        var nextMetrics = clock.now + interval
        var generator = SystemRandomNumberGenerator()
        let live = { !Task.isCancelled && !Task.isShuttingDownGracefully && !self.stopped.load(ordering: .relaxed) }
        while live() {
            if destination.sends(.metrics), clock.now >= nextMetrics {
                nextMetrics = clock.now + interval
                await exportMetrics(client: client, metrics: metrics, resource: resource, until: nextMetrics, using: &generator, logger: logger)
                continue
            }
            if let batch = queue.withLock({ $0.takeBatch(limit: Self.batchLimit) }) {
                await exportSpans(batch, client: client, resource: resource, until: nil, using: &generator, logger: logger)
            } else {
                try? await clock.sleep(for: .milliseconds(100))
            }
        }
        guard !stopped.load(ordering: .relaxed) else { return }
        let deadline = clock.now + finalFlush
        while clock.now < deadline, let batch = queue.withLock({ $0.takeBatch(limit: Self.batchLimit) }) {
            await exportSpans(batch, client: client, resource: resource, until: deadline, using: &generator, logger: logger)
        }
        if destination.sends(.metrics), clock.now < deadline {
            await exportMetrics(
                client: client, metrics: metrics, resource: resource, until: deadline, final: true, using: &generator, logger: logger)
        }
        queue.withLock { $0.failWaiting() }
    }

    private func exportSpans(
        _ batch: [ExportedTrace], client: HTTPClient, resource: OTLPResource, until deadline: ContinuousClock.Instant?,
        using generator: inout SystemRandomNumberGenerator, logger: Logger
    ) async {
        let body = OTLPTraceEncoding.request(batch, resource: resource)
        let outcome = await export(body, path: "/v1/traces", until: deadline, final: deadline != nil, client: client, using: &generator, logger: logger)
        queue.withLock { queue in
            if case .accepted(let rejected) = outcome { queue.settle(delivered: true, rejected: rejected) } else { queue.settle(delivered: false) }
        }
    }

    private func exportMetrics(
        client: HTTPClient, metrics: MetricsRequest, resource: OTLPResource, until deadline: ContinuousClock.Instant,
        final: Bool = false, using generator: inout SystemRandomNumberGenerator, logger: Logger
    ) async {
        guard let (body, points) = metrics(org, UInt64(Date().timeIntervalSince1970 * 1e9)) else { return }
        state.withLock { $0.points.produced &+= UInt64(points) }
        let outcome = await export(body, path: "/v1/metrics", until: deadline, final: final, client: client, using: &generator, logger: logger)
        state.withLock { state in
            if case .accepted(let rejected) = outcome {
                let rejected = min(rejected, points)
                state.points.rejected &+= UInt64(rejected)
                state.points.sent &+= UInt64(points - rejected)
            } else {
                state.points.failed &+= UInt64(points)
            }
        }
    }

    /// Sends `body` to `path`, retrying while the answer allows, the policy's time lasts and
    /// `deadline` has not passed; `final` during the final flush. Returns the last answer's meaning.
    private func export(
        _ body: [UInt8], path: String, until deadline: ContinuousClock.Instant?, final: Bool, client: HTTPClient,
        using generator: inout SystemRandomNumberGenerator, logger: Logger
    ) async -> OTLPResponse {
        let clock = ContinuousClock()
        let giveUp = clock.now + policy.giveUpAfter
        var request = HTTPClientRequest(url: destination.endpoint + path)
        request.method = .POST
        request.headers = headers
        var buffer = ByteBuffer(bytes: body)
        if destination.compression == .gzip, let compressed = try? buffer.compress(with: Self.gzip) { buffer = compressed }
        request.body = .bytes(buffer)
        let timeout = TimeAmount.milliseconds(Int64(destination.timeoutSeconds * 1000))
        var retry = 0
        while true {
            let outcome = await send(request, timeout: timeout, client: client)
            switch outcome {
            case .accepted:
                state.withLock { $0.lastSuccess = Date() }
                return outcome
            case .refused(let reason):
                logger.warning("OTLP export refused", metadata: ["destination": "\(labels.joined(separator: "/"))", "path": "\(path)", "reason": "\(reason)"])
                return outcome
            case .retryable(let retryAfter, let reason):
                retry += 1
                let wait = policy.wait(beforeRetry: retry, retryAfter: retryAfter, using: &generator)
                let resume = clock.now + wait
                // Outside the final flush, a shutdown ends the retries: the final flush sends what is left.
                let stopping = stopped.load(ordering: .relaxed) || Task.isCancelled || (Task.isShuttingDownGracefully && !final)
                if stopping || resume > giveUp || deadline.map({ resume > $0 }) == true {
                    logger.warning("OTLP export failed", metadata: ["destination": "\(labels.joined(separator: "/"))", "path": "\(path)", "reason": "\(reason)"])
                    return outcome
                }
                state.withLock { $0.retries &+= 1 }
                if final {
                    try? await clock.sleep(until: resume)
                } else {
                    // A shutdown ends the wait: what is left goes out in the final flush.
                    try? await cancelWhenGracefulShutdown { try await clock.sleep(until: resume) }
                }
            }
        }
    }

    /// One attempt. Once a shutdown begins, an answer is awaited for at most the final flush's time.
    private func send(_ request: HTTPClientRequest, timeout: TimeAmount, client: HTTPClient) async -> OTLPResponse {
        await withTaskGroup(of: OTLPResponse?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(request, timeout: timeout)
                    let body = (try? await response.body.collect(upTo: 1 << 20)).map { Array(buffer: $0) } ?? []
                    return OTLPResponse(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"), body: body)
                } catch {
                    return .retryable(retryAfter: nil, reason: "\(error)")
                }
            }
            group.addTask { [finalFlush] in
                guard (try? await gracefulShutdown()) != nil else { return nil }  // cancelled: the answer came
                try? await Task.sleep(for: finalFlush)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .retryable(retryAfter: nil, reason: "no answer within the final flush")
        }
    }
}
