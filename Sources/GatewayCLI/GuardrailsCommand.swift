import ArgumentParser
@_spi(Benchmarks) import Gateway
import GatewayModel
import Guardrails

import struct Foundation.Data
import struct Foundation.URL

/// `gateway guardrails eval`: precision and recall of the guardrail checks on a labelled corpus,
/// and what the checks cost in the gate chain.
struct GuardrailsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardrails", abstract: "Measure the guardrail checks.", subcommands: [Evaluate.self])

    /// `gateway guardrails eval [FILE] [--speed]`.
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Print precision and recall per check and variant on a labelled corpus (JSON lines of {id, text, variant, labels}).")

        @Argument(help: "The corpus.")
        var file = "bench/guardrails/corpus.jsonl"

        @Flag(help: "Also time the gate chain with every input check on, for prompts of 1, 4, 16 and 64 KB, against the chain without guardrails.")
        var speed = false

        func run() async throws {
            let evaluation = try GuardrailEvaluation(corpus: Data(contentsOf: URL(fileURLWithPath: file)))
            print(evaluation.report)
            if !evaluation.mistakes.isEmpty {
                print("\nmistakes (\(evaluation.mistakes.count)):")
                for mistake in evaluation.mistakes.prefix(20) { print("  \(mistake.id): expected \(mistake.expected), found \(mistake.found)") }
            }
            guard speed else { return }
            print("\n| prompt | chain, no guardrails (p50) | chain, every input check on (p50) | guardrails' share |")
            print("|---:|---:|---:|---:|")
            for kilobytes in [1, 4, 16, 64] {
                let plain = await Self.p50(kilobytes: kilobytes, guardrails: nil)
                let guarded = await Self.p50(kilobytes: kilobytes, guardrails: Self.everyCheck)
                print("| \(kilobytes) KB | \(Self.micros(plain)) | \(Self.micros(guarded)) | \(Self.micros(guarded - plain)) |")
            }
        }

        static let everyCheck = GuardrailPolicy(
            input: GuardrailRules(
                pii: .redact, secrets: .block, promptInjection: .monitor,
                denyPhrases: DenyPhrases(action: .block, phrases: ["project orion", "codename falcon", "internal roadmap"])))

        /// The median time of the gate chain on a prompt of `kilobytes` of prose with one e-mail address in it.
        static func p50(kilobytes: Int, guardrails: GuardrailPolicy?) async -> Duration {
            let key = "sk-gw-guardrails-speed-0123456789"
            let config = GatewayConfig(
                providers: [ProviderConfig(name: "mock", kind: .mock)],
                orgs: [
                    Org(id: "bench", projects: [
                        Project(
                            id: "p", routes: [Route(model: "m", targets: [RouteTarget(provider: "mock", model: "m")])],
                            keys: [APIKey(id: "k", sha256: KeyHasher.sha256Hex(key))], guardrails: guardrails)
                    ])
                ])
            let sentence = "The quarterly report covers revenue, churn and the hiring plan for the next two quarters. "
            var text = "Please write to ops@example.com about this. "
            while text.utf8.count < kilobytes * 1024 { text += sentence }
            let benchmark = GateChainBenchmark(config: config, key: key, body: #"{"model":"m","messages":[{"role":"user","content":"\#(text)"}]}"#)
            let runs = kilobytes >= 64 ? 60 : 300
            var times: [Duration] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                _ = benchmark.run()
                times.append(start.duration(to: .now))
            }
            return times.sorted()[runs / 2]
        }

        static func micros(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return String(format: "%.1f us", Double(seconds) * 1e6 + Double(attoseconds) / 1e12)
        }
    }
}
