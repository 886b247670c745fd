/// A detector that reads the normalised views of a text (the text's own, then those of the
/// encoded runs inside it) rather than its bytes.
protocol PhraseDetector: Sendable {
    /// Appends the matches in `views` to `matches`.
    func scan(_ views: [NormalizedText], into matches: inout [GuardrailMatch])
}

extension NormalizedText {
    /// The views of `text`: its own, then one for each encoded run that decodes to text.
    static func views(of text: UnsafeBufferPointer<UInt8>) -> [NormalizedText] {
        var views = [NormalizedText(text)]
        EncodedRuns.forEachDecoded(in: text) { decoded in views.append(decoded.withUnsafeBufferPointer { NormalizedText($0) }) }
        return views
    }
}
