import Foundation
import Testing

@testable import Guardrails

@Suite("The labelled guardrail corpus (bench/guardrails/corpus.jsonl)")
struct CorpusTests {
    static let evaluation: GuardrailEvaluation = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../bench/guardrails/corpus.jsonl")
        return try! GuardrailEvaluation(corpus: Data(contentsOf: url))
    }()

    static var mistakes: String { evaluation.mistakes.prefix(40).map { "\($0.id): expected \($0.expected), found \($0.found)" }.joined(separator: "\n") }

    @Test("PII: recall and precision at least 0.99, and every broken-checksum twin passes")
    func pii() throws {
        let tally = try #require(Self.evaluation.byCheck["pii"])
        #expect(tally.recall >= 0.99 && tally.precision >= 0.99, "\(tally)\n\(Self.mistakes)")
        #expect(Self.evaluation.byVariant["twin"]?.falsePositives == 0, "\(Self.mistakes)")
    }

    @Test("secrets: recall 1.0 on every listed format")
    func secrets() throws {
        let tally = try #require(Self.evaluation.byCheck["secrets"])
        #expect(tally.recall == 1.0 && tally.precision >= 0.99, "\(tally)\n\(Self.mistakes)")
    }

    @Test("prompt injection: recall at least 0.90 on the seeds and within 0.02 of that under each obfuscation; at most 1 % false alarms on benign prompts")
    func injection() throws {
        let plain = try #require(Self.evaluation.byVariant["injection/plain"]).recall
        #expect(plain >= 0.90, "\(Self.mistakes)")
        for (variant, tally) in Self.evaluation.byVariant where variant.hasPrefix("injection/") {
            #expect(tally.recall >= plain - 0.02, "\(variant): \(tally.recall) against \(plain)\n\(Self.mistakes)")
        }
        let benign = try #require(Self.evaluation.byVariant["benign"])
        #expect(Double(benign.falsePositives) <= Double(benign.items) * 0.01, "\(benign)\n\(Self.mistakes)")
        #expect(Self.evaluation.byVariant["hard_negative"]?.falsePositives == 0, "\(Self.mistakes)")
    }
}
