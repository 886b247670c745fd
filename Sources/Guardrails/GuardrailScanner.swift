/// The detectors one direction's rules turn on, built once per policy and shared by every
/// request under it: a class, so that a request holds it through one reference.
public final class GuardrailScanner: Sendable {
    /// The rules the scanner applies.
    public let rules: GuardrailRules
    /// The detectors every text is given to, then those only a text with a digit or a colon is.
    private let detectors: [any Detector]
    private let numberDetectors: [any Detector]
    private let phraseDetectors: [any PhraseDetector]
    private let piiKinds: Set<String>

    /// The detectors of `rules`: PII (only the kinds it names), secrets, prompt injection and deny phrases, each when not off.
    public init(rules: GuardrailRules) {
        self.rules = rules
        var detectors: [any Detector] = []
        let kinds = rules.checkedPIIKinds
        if rules.pii != .off {
            let byKind: [(PIIKind, any Detector)] = [
                (.email, EmailDetector()), (.creditCard, CardNumberDetector()), (.iban, IBANDetector()), (.usSSN, SSNDetector()),
                (.phone, PhoneDetector()), (.ipAddress, IPAddressDetector()),
            ]
            detectors += byKind.filter { kinds.contains($0.0) }.map(\.1)
        }
        if rules.secrets != .off { detectors.append(SecretDetector()) }
        // The scan's order of matches does not matter: overlaps are resolved by place and check.
        let numberDetectors = detectors.filter(\.needsDigitOrColon)
        detectors.removeAll(where: \.needsDigitOrColon)
        var phraseDetectors: [any PhraseDetector] = []
        if rules.promptInjection != .off { phraseDetectors.append(InjectionDetector()) }
        if let deny = rules.denyPhrases, deny.action != .off { phraseDetectors.append(DenyPhraseDetector(phrases: deny.phrases)) }
        self.detectors = detectors
        self.numberDetectors = numberDetectors
        self.phraseDetectors = phraseDetectors
        self.piiKinds = Set(kinds.map(\.rawValue))
    }

    /// Whether any check runs.
    public var isActive: Bool { !detectors.isEmpty || !numberDetectors.isEmpty || !phraseDetectors.isEmpty }

    /// Every match in `text` (UTF-8), with overlapping matches resolved: a secret wins over PII
    /// it contains, and of two overlapping matches of one check the earlier, longer one stays.
    public func scan(_ text: UnsafeBufferPointer<UInt8>) -> [GuardrailMatch] {
        var matches: [GuardrailMatch] = []
        Self.run(detectors, on: text, into: &matches)
        // Prose often has no digit: one word-at-a-time search spares the number detectors' scans.
        if !numberDetectors.isEmpty, ASCII.firstDigit(in: text, from: 0, orColon: true) < text.count {
            Self.run(numberDetectors, on: text, into: &matches)
        }
        if !phraseDetectors.isEmpty {
            // One normalised view (and one decoding of the encoded runs) for every phrase check.
            Self.run(phraseDetectors, on: TextViews(of: text), into: &matches)
        }
        return Self.withoutOverlaps(matches.filter { $0.check != .pii || piiKinds.contains($0.typeName) })
    }

    /// Calls each of `detectors` where it lies. Borrowed as an argument, the array gives its
    /// elements in place; read as a class's property, it copies each one out (and destroys the
    /// copy) on every call. Never inlined, so that it stays an argument.
    @inline(never)
    private static func run(_ detectors: [any Detector], on text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        for index in detectors.indices { detectors[index].scan(text, into: &matches) }
    }

    /// Calls each of the phrase `detectors` where it lies, as ``run(_:on:into:)`` does.
    @inline(never)
    private static func run(_ detectors: [any PhraseDetector], on views: TextViews, into matches: inout [GuardrailMatch]) {
        for index in detectors.indices { detectors[index].scan(views, into: &matches) }
    }

    /// `text` scanned, for callers holding a `String` or bytes.
    public func scan(_ text: some Collection<UInt8>) -> [GuardrailMatch] {
        text.withContiguousStorageIfAvailable { scan($0) } ?? Array(text).withUnsafeBufferPointer { scan($0) }
    }

    static func withoutOverlaps(_ matches: [GuardrailMatch]) -> [GuardrailMatch] {
        let placed = matches.filter { $0.range != nil }
        guard placed.count > 1 else { return matches }
        let ordered = placed.sorted {
            let (left, right) = ($0.range!, $1.range!)
            if ($0.check == .secrets) != ($1.check == .secrets) { return $0.check == .secrets }
            return left.lowerBound != right.lowerBound ? left.lowerBound < right.lowerBound : left.count > right.count
        }
        var kept: [GuardrailMatch] = []
        for match in ordered where !kept.contains(where: { $0.range!.overlaps(match.range!) }) { kept.append(match) }
        kept.sort { $0.range!.lowerBound < $1.range!.lowerBound }
        return kept + matches.filter { $0.range == nil }
    }
}
