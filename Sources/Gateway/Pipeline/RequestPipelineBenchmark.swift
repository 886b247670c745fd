import GatewayModel
import HTTPTypes
import Logging
import NIOCore
import Telemetry

import struct Foundation.Date

/// Answers one chat completion through the whole in-process pipeline: the routes, every gate, the
/// forwarder, the relay of the answer and its head in wire form, the settlement and the trace's
/// recording in a ring. The provider answers at once with a fixed body, as the client would hand
/// it over, so the benchmarks measure the gateway's own work on a request without sockets. The
/// request is answered before ``run()`` returns: nothing on its way waits.
@_spi(Benchmarks)
public struct RequestPipelineBenchmark: Sendable {
    private let routes: DataPlaneRoutes
    private let head: RequestHead
    private let body: ByteBuffer
    /// The event loop the request is said to come from; the fixed answer never waits on it.
    private let loop: any EventLoop
    /// The memo of one keep-alive connection, which sends the same key each time.
    private let keyMemo = KeyDigestMemo()

    /// A pipeline over ``BenchmarkRequest``'s configuration (`metered`: with a budget and limits)
    /// whose every provider answers ``BenchmarkRequest/answer``, recording into `ring`, and its request.
    public init(metered: Bool, ring: TelemetryRing) {
        let config = BenchmarkRequest.config(metered: metered)
        let pool = ProviderPool { _ in FixedAnswer(body: ByteBuffer(string: BenchmarkRequest.answer)) }
        let client = UpstreamClient(connectTimeoutSeconds: 10)
        loop = client.callersLoop
        routes = DataPlaneRoutes(
            active: ActiveSnapshot(SnapshotIndex(version: 1, config: config)), pool: pool,
            mcp: MCPForwarder(client: client, sessions: MCPSessions(), environment: [:]), metering: Metering(), recorder: ring,
            logger: Logger(label: "benchmark"), now: Date.init)
        head = BenchmarkRequest.head(key: BenchmarkRequest.key, length: BenchmarkRequest.body.utf8.count)
        body = ByteBuffer(string: BenchmarkRequest.body)
    }

    /// Answers the request once and writes its head and body; returns the status code, or -1
    /// when the answer was not whole.
    public func run() -> Int {
        var status = -1
        routes.respond(to: head, body: body, requestID: .next(), on: loop, call: UpstreamCall(), keyMemo: keyMemo) { answered in
            let answer = answered.answer
            guard case .whole(let body) = answer.body else { return }
            var wire = ByteBufferAllocator().buffer(capacity: 512 + body.readableBytes)
            _ = AnswerHead(
                status: answer.status, headerFields: answer.headers, isLegacy: false, closes: false, method: .ordinary,
                contentLength: body.readableBytes, requestID: answered.requestID, headroom: answered.headroom
            ).write(into: &wire)
            wire.writeImmutableBuffer(body)
            status = answer.status.code
        }
        return status
    }

    /// A provider that answers every request at once with the same body.
    private struct FixedAnswer: Provider {
        let body: ByteBuffer

        func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse { answer }

        func start(_ request: UpstreamRequest, on loop: any EventLoop, call: UpstreamCall, reply: @escaping (Result<UpstreamResponse, UpstreamFailure>) -> Void) {
            reply(.success(answer))
        }

        private var answer: UpstreamResponse { UpstreamResponse(status: .ok, contentType: "application/json", body: .buffer(body)) }
    }
}
