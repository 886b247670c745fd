import GatewayModel
import Hummingbird
import NIOCore
import Telemetry

import struct Foundation.Date

/// Runs the gate chain in front of the upstream on one allowed request, without any I/O, so the
/// benchmarks can measure the chain alone.
@_spi(Benchmarks)
public struct GateChainBenchmark: Sendable {
    private let chain: AdmissionChain
    private let head: RequestHead
    private let body: ByteBuffer
    /// The memo of one keep-alive connection, which sends the same key each time.
    private let keyMemo = KeyDigestMemo()

    /// A chain over `config`, and a request for `model` carrying `key` and `body`.
    public init(config: GatewayConfig, key: String, body: String) {
        chain = AdmissionChain(active: ActiveSnapshot(SnapshotIndex(version: 1, config: config)), metering: Metering(), now: Date.init)
        head = BenchmarkRequest.head(key: key, length: body.utf8.count)
        self.body = ByteBuffer(string: body)
    }

    /// A chain over ``BenchmarkRequest``'s configuration (`metered`: with a budget and limits),
    /// and its request.
    public init(metered: Bool) {
        self.init(config: BenchmarkRequest.config(metered: metered), key: BenchmarkRequest.key, body: BenchmarkRequest.body)
    }

    /// Runs every gate once and settles the request's reservation (if it holds one, under a
    /// budget or a rate limit) as a finished request would; returns the number of gates passed.
    public func run() -> Int {
        let arrival = Arrival(
            generatedID: .next(), endpoint: .chatCompletions, head: head, body: body, started: .now(), oversized: false, keyMemo: keyMemo)
        var trace = RequestTrace(traceID: arrival.requestID, startUnixNanos: 0, operation: "chat")
        do {
            let admitted = try chain.run(arrival, trace: &trace)
            admitted.reservation?.settle(trace)
        } catch {
            return -1
        }
        return trace.gateCount
    }
}
