/// The detectors one direction's rules turn on, built once per policy and shared by every
/// request under it.
public struct GuardrailScanner: Sendable {
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
        // By index: each detector is called where it lies; `for detector in` would copy it out of
        // the array (and destroy the copy) on every call.
        for index in detectors.indices { detectors[index].scan(text, into: &matches) }
        // Prose often has no digit: one word-at-a-time search spares the number detectors' scans.
        if !numberDetectors.isEmpty, ASCII.firstDigit(in: text, from: 0, orColon: true) < text.count {
            for index in numberDetectors.indices { numberDetectors[index].scan(text, into: &matches) }
        }
        if !phraseDetectors.isEmpty {
            // One normalised view (and one decoding of the encoded runs) for every phrase check.
            let views = TextViews(of: text)
            for index in phraseDetectors.indices { phraseDetectors[index].scan(views, into: &matches) }
        }
        return Self.withoutOverlaps(matches.filter { $0.check != .pii || piiKinds.contains($0.typeName) })
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
