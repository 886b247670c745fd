import Benchmark
@_spi(Benchmarks) import Collector
import ControlPlane
@_spi(Benchmarks) import Gateway
import GatewayModel
import Telemetry
import WireJSON

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )

    let ring = TelemetryRing(capacity: 65536)
    let trace = Fixtures.trace(project: "chatbot", model: "gpt-4o-mini")

    Benchmark("Ring append, 1 writer") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ring.append(trace))
        }
    }

    Benchmark("Ring append, 2 writers") { benchmark in
        let half = benchmark.scaledIterations.count / 2
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<half { blackHole(ring.append(trace)) }
                }
            }
        }
    }

    // What the collector reads from the local ring after 5 ms at about 50,000 requests/s: each
    // trace turned back from its compact slot into a `RequestTrace`.
    let filled = TelemetryRing(capacity: 4096)
    for _ in 0..<4096 { filled.append(trace) }
    Benchmark("Ring read, a batch of 256 traces") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(filled.read(from: 1024, limit: 256))
        }
    }

    let chain = GateChainBenchmark(metered: false)
    Benchmark("Gate chain, allowed request, no I/O") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(chain.run())
        }
    }

    // The same request under a project budget and rate limits: the money path in full (reserve,
    // rate-limit headers, settle), against the chain above.
    let metered = GateChainBenchmark(metered: true)
    Benchmark("Gate chain, allowed request under a budget and rate limits, no I/O") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(metered.run())
        }
    }

    // One whole request through the in-process pipeline (routes, gates, forwarder, relay,
    // settlement, recording), its provider answering at once: the gateway's own work per request
    // without sockets. Its allocation count repeats exactly from run to run.
    let pipelineRing = TelemetryRing(capacity: 65536)
    for metered in [false, true] {
        let pipeline = RequestPipelineBenchmark(metered: metered, ring: pipelineRing)
        let name = metered ? "Whole request in process, under a budget and rate limits" : "Whole request in process"
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(pipeline.run())
            }
        }
    }

    // Translations between API shapes, each against the plain OpenAI route's body edit.
    let translation = TranslationBenchmark()
    let translations: [(String, @Sendable () -> Int)] = [
        ("Request body, OpenAI route's edit (baseline)", translation.openAIBodyEdit),
        ("Request, chat to Anthropic Messages", translation.chatToMessagesRequest),
        ("Request, Anthropic Messages to chat", translation.messagesToChatRequest),
        ("Request, chat to Gemini", translation.chatToGeminiRequest),
        ("Answer, Anthropic Messages to chat", translation.messagesToChatAnswer),
        ("Answer, chat to Anthropic Messages", translation.chatToMessagesAnswer),
        ("Answer, Gemini to chat", translation.geminiToChatAnswer),
        ("Stream of 10 deltas, Anthropic Messages to chat chunks", translation.messagesStreamToChat),
    ]
    for (name, run) in translations {
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(run()) }
        }
    }

    // The scan that finds a provider answer's `usage`: the load's short answer, and one whose
    // content is 2 KB of text, where strings are read eight bytes at a time.
    func answer(_ content: String) -> String {
        #"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"\#(content)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":10,"total_tokens":31}}"#
    }
    let sentence = "The quick brown fox jumps over the lazy dog."
    let answers = [("JSON scan for usage, a 0.3 KB answer", answer(sentence)), ("JSON scan for usage, a 2 KB answer", answer(String(repeating: sentence + " ", count: 45)))]
    let usage: JSONScanner.Keys = ["usage"]  // made once, as the gateway's sets are
    for (name, text) in answers {
        let bytes = Array(text.utf8)
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                bytes.withUnsafeBufferPointer { blackHole(try? JSONScanner.scanObject($0, keys: usage)) }
            }
        }
    }

    let exposition = Fixtures.storeWithSeries(count: 10_000)
    Benchmark("Prometheus exposition, 10,000 request series", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(PrometheusText.render(exposition.families(org: nil), format: .text))
        }
    }

    // 512 traces: a remote scrape; 150: what the local ring holds after 5 ms at 30,000 requests/s.
    let mapping = Fixtures.mapping
    for count in [512, 150] {
        let batch = Fixtures.batch(count: count)
        let taggingStore = TelemetryStore()
        Benchmark("Org tagging, one scraped batch of \(count) traces", configuration: .init(scalingFactor: .one)) { benchmark in
            for _ in benchmark.scaledIterations {
                taggingStore.ingest(batch, from: "local", mapping: mapping, scrapeDuration: .zero)
            }
        }
    }

    let encoding = OTLPEncodingBenchmark(traces: Fixtures.batch(count: 150).traces, org: "acme")
    Benchmark("OTLP encoding, the spans of 150 traces", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(encoding.run()) }
    }
}

enum Fixtures {
    static let mapping = OrgMapping(config: BenchmarkRequest.config(metered: false))

    static func trace(project: String, model: String) -> RequestTrace {
        var trace = RequestTrace(traceID: .next(), startUnixNanos: 1_800_000_000_000_000_000, operation: "chat")
        trace.projectID = project
        trace.keyID = "bench"
        trace.requestedModel = model
        trace.routedModel = model
        trace.provider = "mock"
        trace.status = 200
        trace.durationNanos = 420_000
        trace.timeToFirstTokenNanos = 300_000
        trace.upstreamNanos = 280_000
        trace.inputTokens = 21
        trace.outputTokens = 10
        trace.attempts = 1
        for (index, gate) in ["reconcile", "payload", "key-auth", "routing", "upstream"].enumerated() {
            trace.append(GateSpan(gate: gate, decision: .pass, startOffsetNanos: UInt64(index) * 1000, durationNanos: 900))
        }
        return trace
    }

    static func batch(count: Int) -> RingBatch {
        let ring = TelemetryRing(capacity: count)
        for _ in 0..<count { ring.append(trace(project: "chatbot", model: "gpt-4o-mini")) }
        return ring.read(from: 0)
    }

    /// A store whose `gateway_requests_total` has `count` series (100 projects × count/100 models).
    static func storeWithSeries(count: Int) -> TelemetryStore {
        let projects = (0..<100).map { "project-\($0)" }
        let models = (0..<(count / 100)).map { "model-\($0)" }
        let mapping = OrgMapping(
            orgByProject: Dictionary(uniqueKeysWithValues: projects.map { ($0, "acme") }), orgs: ["acme"], models: Set(models),
            providers: ["mock"])
        let ring = TelemetryRing(capacity: count)
        for project in projects {
            for model in models { ring.append(trace(project: project, model: model)) }
        }
        let store = TelemetryStore()
        var cursor: UInt64 = 0
        while cursor < ring.written {
            let batch = ring.read(from: cursor, limit: 4096)
            store.ingest(batch, from: "local", mapping: mapping, scrapeDuration: .zero)
            cursor = batch.nextCursor
        }
        return store
    }
}
