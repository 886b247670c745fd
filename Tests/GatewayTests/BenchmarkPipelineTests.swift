import Telemetry
import Testing

@_spi(Benchmarks) @testable import Gateway

@Suite("The benchmarks' in-process pipelines serve the request they measure")
struct BenchmarkPipelineTests {
    @Test("a whole request is answered 200 and recorded, with its usage priced, budget or not", arguments: [false, true])
    func wholeRequest(metered: Bool) async {
        let ring = TelemetryRing(capacity: 16)
        let pipeline = RequestPipelineBenchmark(metered: metered, ring: ring)
        for _ in 0..<3 { #expect(pipeline.run() == 200) }
        let traces = ring.read(from: 0).traces
        #expect(traces.count == 3)
        for trace in traces {
            #expect(trace.status == 200 && trace.outputTokens == 10 && trace.inputTokens == 21 && trace.costMicroUSD > 0)
            #expect(trace.gates.map(\.gate) == ["reconcile", "payload", "key-auth", "routing", "guardrails", "budget", "upstream"])
            #expect(trace.gates.allSatisfy { $0.decision == .pass })
            // One read of the clock per gate: each admission gate starts where the one before it
            // ended, the first at the arrival, and the request lasts past the last span's end.
            let gates = trace.gates
            #expect(gates[0].startOffsetNanos == 0)
            for (before, gate) in zip(gates.dropLast(2), gates.dropFirst().dropLast()) {
                #expect(gate.startOffsetNanos == before.startOffsetNanos + before.durationNanos)
            }
            #expect(gates[6].startOffsetNanos >= gates[5].startOffsetNanos + gates[5].durationNanos)
            #expect(trace.durationNanos >= gates[6].startOffsetNanos + gates[6].durationNanos)
            #expect(trace.timeToFirstTokenNanos == gates[6].startOffsetNanos + gates[6].durationNanos)
            #expect(trace.upstreamNanos == gates[6].durationNanos)
        }
    }

    @Test("the gate chain passes its request through every gate, budget or not", arguments: [false, true])
    func gateChain(metered: Bool) {
        let chain = GateChainBenchmark(metered: metered)
        #expect(chain.run() == 6)
    }
}
