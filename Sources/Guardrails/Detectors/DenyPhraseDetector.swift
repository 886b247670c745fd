/// The operator's deny phrases, matched on the squashed view (and inside encoded runs), so that
/// spacing, case, homoglyphs and leetspeak do not hide them.
struct DenyPhraseDetector: Detector {
    private let phrases: [[UInt8]]

    /// A detector of `phrases`; phrases that fold to nothing are ignored.
    init(phrases: [String]) {
        self.phrases = phrases.map(NormalizedText.squash).filter { !$0.isEmpty }
    }

    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        guard !phrases.isEmpty else { return }
        if contains(NormalizedText(text).squashed) || EncodedRuns.anyDecoded(in: text, { decoded in decoded.withUnsafeBufferPointer { contains(NormalizedText($0).squashed) } }) {
            matches.append(GuardrailMatch(check: .denyPhrases, type: "deny_phrase", range: nil))
        }
    }

    private func contains(_ squashed: [UInt8]) -> Bool {
        phrases.contains { phrase in
            guard let first = phrase.first else { return false }
            return squashed.indices.contains { squashed[$0] == first && PhraseFamily.has(phrase, in: squashed, at: $0) }
        }
    }
}
