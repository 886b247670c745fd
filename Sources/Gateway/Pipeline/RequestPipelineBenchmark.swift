import GatewayModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Telemetry

import struct Foundation.Date

/// Answers one chat completion through the whole in-process pipeline: the routes, every gate, the
/// forwarder, the relay of the answer and its head in wire form, the settlement and the trace's
/// recording in a ring. The provider answers at once with a fixed body, as the client would hand
/// it over, so the benchmarks measure the gateway's own work on a request without sockets or a task.
@_spi(Benchmarks)
public struct RequestPipelineBenchmark: Sendable {
    private let routes: DataPlaneRoutes
    private let head: HTTPRequest
    private let body: ByteBuffer

    /// A pipeline over ``BenchmarkRequest``'s configuration (`metered`: with a budget and limits)
    /// whose every provider answers ``BenchmarkRequest/answer``, recording into `ring`, and its request.
    public init(metered: Bool, ring: TelemetryRing) {
        let config = BenchmarkRequest.config(metered: metered)
        let pool = ProviderPool { _ in FixedAnswer(body: ByteBuffer(string: BenchmarkRequest.answer)) }
        let client = UpstreamClient(connectTimeoutSeconds: 10)
        routes = DataPlaneRoutes(
            active: ActiveSnapshot(SnapshotIndex(version: 1, config: config)), pool: pool,
            mcp: MCPForwarder(client: client, sessions: MCPSessions(), environment: [:]), metering: Metering(), recorder: ring,
            logger: Logger(label: "benchmark"), now: Date.init)
        head = HTTPRequest(
            method: .post, scheme: "http", authority: "bench", path: "/v1/chat/completions",
            headerFields: [.authorization: "Bearer \(BenchmarkRequest.key)", .contentType: "application/json"])
        body = ByteBuffer(string: BenchmarkRequest.body)
    }

    /// Answers the request once and writes its head and body; returns the status code, or -1
    /// when the body could not be written.
    public func run() async -> Int {
        let answered = await routes.respond(to: head, body: body, requestID: .next())
        let response = answered.response
        let status = response.status.code
        var wire = ByteBufferAllocator().buffer(capacity: 512)
        _ = AnswerHead(
            status: response.status, headerFields: response.headers, isLegacy: false, closes: false, method: .ordinary, contentLength: response.body.contentLength,
            requestID: answered.requestID, headroom: answered.headroom
        ).write(into: &wire)
        do {
            try await response.body.write(DiscardingWriter())
        } catch {
            return -1
        }
        return status
    }

    /// A provider that answers every request at once with the same body.
    private struct FixedAnswer: Provider {
        let body: ByteBuffer

        func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
            UpstreamResponse(status: .ok, contentType: "application/json", body: .buffer(body))
        }
    }

    /// A response body writer that drops what it is given, as a socket would take it.
    private struct DiscardingWriter: ResponseBodyWriter {
        mutating func write(_ buffer: ByteBuffer) async throws {}

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
