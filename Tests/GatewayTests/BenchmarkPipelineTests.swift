import GatewayModel
import Telemetry
import Testing

@_spi(Benchmarks) @testable import Gateway

@Suite("The benchmarks' in-process pipelines serve the request they measure")
struct BenchmarkPipelineTests {
    static let key = "sk-gw-bench-0123456789abcdefghijklmnop"
    static let body = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}],"max_tokens":64}"#
    static let answer = #"{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":21,"completion_tokens":10,"total_tokens":31}}"#

    static func config(metered: Bool) -> GatewayConfig {
        GatewayConfig(
            providers: [ProviderConfig(name: "fixed", kind: .mock)],
            orgs: [
                Org(
                    id: "acme",
                    projects: [
                        Project(
                            id: "chatbot", routes: [Route(model: "gpt-4o-mini", targets: [RouteTarget(provider: "fixed", model: "gpt-4o-mini")])],
                            keys: [APIKey(id: "bench", sha256: KeyHasher.sha256Hex(key))],
                            budget: metered ? Budget(microUSD: 1_000_000_000_000, period: .monthly) : nil,
                            limits: metered ? RateLimits(requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000_000) : nil)
                    ])
            ])
    }

    @Test("a whole request is answered 200 and recorded, with its usage priced, budget or not", arguments: [false, true])
    func wholeRequest(metered: Bool) async {
        let ring = TelemetryRing(capacity: 16)
        let pipeline = RequestPipelineBenchmark(config: Self.config(metered: metered), key: Self.key, body: Self.body, answer: Self.answer, ring: ring)
        for _ in 0..<3 { #expect(await pipeline.run() == 200) }
        let traces = ring.read(from: 0).traces
        #expect(traces.count == 3)
        for trace in traces {
            #expect(trace.status == 200 && trace.outputTokens == 10 && trace.inputTokens == 21 && trace.costMicroUSD > 0)
            #expect(trace.gates.map(\.gate) == ["reconcile", "payload", "key-auth", "routing", "guardrails", "budget", "upstream"])
            #expect(trace.gates.allSatisfy { $0.decision == .pass })
        }
    }

    @Test("the gate chain passes its request through every gate, budget or not", arguments: [false, true])
    func gateChain(metered: Bool) {
        let chain = GateChainBenchmark(config: Self.config(metered: metered), key: Self.key, body: Self.body)
        #expect(chain.run() == 6)
    }
}
