/// The normalised views a phrase check reads for one text: the text's own, then one for each
/// encoded run inside it that decodes to text. Held without an array in the common case of a
/// text with no such run.
struct TextViews {
    /// The text's own views.
    let own: NormalizedText
    /// The views of its encoded runs, in order; empty (and not allocated) for most texts.
    private(set) var decoded: [NormalizedText] = []

    /// The views of `text`.
    init(of text: UnsafeBufferPointer<UInt8>) {
        own = NormalizedText(text)
        EncodedRuns.forEachDecoded(in: text) { decoded.append($0.withUnsafeBufferPointer { NormalizedText($0) }) }
    }

    /// Whether `body` holds for any view, the text's own first.
    func contains(where body: (NormalizedText) -> Bool) -> Bool {
        body(own) || decoded.contains(where: body)
    }

    /// Calls `body` with each view, the text's own first.
    func forEach(_ body: (NormalizedText) -> Void) {
        body(own)
        decoded.forEach(body)
    }
}
