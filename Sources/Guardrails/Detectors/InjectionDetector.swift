/// Prompt injection: known phrase families (override earlier instructions, reveal the system
/// prompt, switch to an unrestricted role) on the squashed view, fake chat-template delimiters on
/// the symbols view, and both again inside base64, hex and percent-encoded runs. Heuristics: they
/// catch the known families and their disguises, not every attack.
struct InjectionDetector: PhraseDetector {
    static let families: [PhraseFamily] = {
        let overrideVerbs = [
            "ignore", "disregard", "forget", "override", "bypass", "skip", "dismiss", "neglect", "abandon", "discard", "overlook", "set aside",
            "stop following", "do not follow", "dont follow", "don't follow", "no longer follow",
        ]
        let fillers = ["all", "any", "the", "your", "of", "these", "those", "every", "and", "other", "my", "our", "its", "their", "previously", "given", "above"]
        let earlier = [
            "previous", "prior", "above", "earlier", "preceding", "former", "original", "initial", "system", "existing", "old", "foregoing",
            "aforementioned", "past", "developer", "safety",
        ]
        let instructions = [
            "instructions", "instruction", "rules", "rule", "directions", "directives", "directive", "prompts", "prompt", "guidelines",
            "guideline", "commands", "context", "constraints", "policies", "policy", "guardrails", "restrictions", "programming", "training",
            "orders", "messages", "safeguards",
        ]
        let everything = ["everything", "all", "anything"]
        let before = ["above", "before", "so far", "you were told", "you have been told", "you've been told", "previously", "earlier", "prior to this", "you know"]
        let revealVerbs = [
            "reveal", "show", "print", "repeat", "display", "output", "tell me", "give me", "leak", "disclose", "write out", "dump", "share",
            "expose", "spell out", "recite", "what is", "what are", "what were", "paste", "echo",
        ]
        let revealFillers = [
            "me", "us", "your", "the", "all", "of", "entire", "full", "complete", "hidden", "initial", "original", "secret", "exact", "verbatim",
            "confidential", "internal", "first", "back", "word for word",
        ]
        let secretPrompt = [
            "system prompt", "system prompts", "system message", "system instructions", "initial prompt", "hidden prompt", "hidden instructions",
            "original instructions", "instructions you were given", "prompt above", "text above", "words above", "pre-prompt", "preprompt",
            "meta prompt", "metaprompt", "initial instructions", "developer instructions", "developer message", "instructions above",
        ]
        let becoming = [
            "you are now", "from now on you are", "from now on you will be", "pretend you are", "pretend to be", "act as", "act like",
            "roleplay as", "role-play as", "behave as", "behave like", "imagine you are", "you will now act as", "you are going to act as",
            "you are", "respond as",
        ]
        let becomingFillers = ["a", "an", "the", "my", "evil", "completely", "totally", "fully", "now", "ai", "assistant", "chatbot", "model", "that is"]
        let unrestricted = [
            "unrestricted", "unfiltered", "uncensored", "jailbroken", "free from restrictions", "without restrictions", "without limits",
            "without filters", "without any restrictions", "no longer bound", "not bound by", "with no ethics", "without ethics",
            "with no restrictions", "with no rules", "with no limits", "without rules", "without guidelines", "without content policy",
        ]
        let subjects = ["you", "chatgpt", "assistant", "the ai", "ai", "model", "gpt", "claude", "llm"]
        let subjectFillers = ["are", "now", "in", "with", "will", "act", "as", "be", "running", "the"]
        return [
            PhraseFamily("override_instructions", [(overrideVerbs, false), (fillers, true), (earlier, false), (fillers, true), (instructions, false)]),
            PhraseFamily("override_instructions", [(overrideVerbs, false), (everything, false), (before, false)]),
            PhraseFamily("override_instructions", [(["new", "updated", "real"], false), (["system"], false), (["instructions", "prompt", "override"], false)]),
            PhraseFamily("reveal_system_prompt", [(revealVerbs, false), (revealFillers, true), (secretPrompt, false)]),
            PhraseFamily("role_switch", [(becoming, false), (becomingFillers, true), (unrestricted, false)]),
            PhraseFamily("role_switch", [(subjects, false), (subjectFillers, true), (["developer mode", "dev mode", "god mode", "jailbreak mode", "dan mode"], false)]),
            PhraseFamily("role_switch", [(["do anything now", "you have no restrictions", "you no longer have restrictions", "you have been freed"], false)]),
            PhraseFamily("role_switch", [(["enable", "activate", "enter"], false), (["the", "a"], true), (["dan", "jailbreak", "god"], false), (["mode"], false)]),
        ]
    }()

    /// Chat-template delimiters a model may read as a turn of its own, as the symbols view reads them.
    static let delimiters: [[UInt8]] = [
        "<|im_start|>", "<|im_end|>", "<|system|>", "<|assistant|>", "<|user|>", "<|endoftext|>", "<|begin_of_text|>", "<|start_header_id|>",
        "<|end_header_id|>", "<|eot_id|>", "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "<start_of_turn>", "<end_of_turn>", "###system:",
        "###instruction:", "</system>", "<system>",
    ].map { Array($0.utf8) }

    /// The tables the scan reads at every position of a text, in storage that lives as long as
    /// the process and read through pointers: no reference is counted per text or per match.
    private struct Tables: @unchecked Sendable {
        /// Each family, unretained: ``families`` holds them for good.
        let families: UnsafeBufferPointer<Unmanaged<PhraseFamily>>
        /// The index of each family's type among the distinct types, so each type is reported once.
        let typeIndexes: UnsafeBufferPointer<Int>
        /// For each three letters (``PhraseFamily/startKey(_:_:_:)``), a bit per family that can
        /// start with them (bits 0 to 9), one per family whose last slot has a word that starts
        /// with them (bits 10 to 19) and one per family whose last slot has a word that ends with
        /// them (bits 20 to 29): one pass over a text finds the families that may be in it, and
        /// most prose holds none.
        let keys: UnsafeBufferPointer<UInt32>
        /// The families' head and tail bits whose last slot cannot be told by three letters.
        let unkeyedEnds: UInt32
        /// For each three first letters, the letters that may follow them in any family: of the
        /// positions one lookup in ``keys`` leaves (`the`, `for` and `rep` of most prose), the
        /// fourth letter rules out most.
        let fourths: UnsafeBufferPointer<UInt32>

        init(_ families: [PhraseFamily]) {
            var names: [String] = []
            let typeIndexes = families.map { family in
                if let index = names.firstIndex(of: family.type.description) { return index }
                names.append(family.type.description)
                return names.count - 1
            }
            precondition(families.count <= 10, "a key's bits hold ten families")
            var keys = [UInt32](repeating: 0, count: 26 * 26 * 26)
            var fourths = [UInt32](repeating: 0, count: 26 * 26 * 26)
            var unkeyedEnds: UInt32 = 0
            for (index, family) in families.enumerated() {
                for (key, fourth) in family.startKeys {
                    keys[key] |= 1 << UInt32(index)
                    fourths[key] |= fourth
                }
                if let (heads, tails) = family.lastWordKeys {
                    for key in heads { keys[key] |= 1 << UInt32(10 + index) }
                    for key in tails { keys[key] |= 1 << UInt32(20 + index) }
                } else {
                    unkeyedEnds |= 1 << UInt32(10 + index) | 1 << UInt32(20 + index)
                }
            }
            self.families = Self.forever(families.map { Unmanaged.passUnretained($0) })
            self.typeIndexes = Self.forever(typeIndexes)
            self.keys = Self.forever(keys)
            self.unkeyedEnds = unkeyedEnds
            self.fourths = Self.forever(fourths)
        }

        /// A copy of `values` that is never freed (made once, for a `static let`).
        private static func forever<Element>(_ values: [Element]) -> UnsafeBufferPointer<Element> {
            let storage = UnsafeMutableBufferPointer<Element>.allocate(capacity: values.count)
            _ = storage.initialize(from: values)
            return UnsafeBufferPointer(storage)
        }
    }

    private static let tables = Tables(families)

    func scan(_ views: TextViews, into matches: inout [GuardrailMatch]) {
        let tables = Self.tables
        // A bit per type found, so each type is reported once.
        var found: UInt16 = 0
        var delimiter = false
        views.forEach { view in
            view.squashed.withUnsafeBufferPointer { squashed in Self.phrases(in: squashed, tables, found: &found, into: &matches) }
            if !delimiter { delimiter = Self.hasDelimiter(view.symbols) }
        }
        if delimiter { matches.append(GuardrailMatch(check: .promptInjection, type: "chat_template", range: nil)) }
    }

    /// Appends a match for each family's type that starts somewhere in `squashed` (not negated),
    /// unless its bit is set in `found` already; sets the bit of each type it reports.
    private static func phrases(in squashed: UnsafeBufferPointer<UInt8>, _ tables: Tables, found: inout UInt16, into matches: inout [GuardrailMatch]) {
        guard squashed.count >= 3 else { return }
        // First the families that may be here: one whose first words start nowhere in the text, or
        // whose last slot's words start or end nowhere, has no phrase in it.
        var seen = tables.unkeyedEnds
        for position in 0..<(squashed.count - 2) {
            seen |= tables.keys[PhraseFamily.startKey(squashed[position], squashed[position + 1], squashed[position + 2])]
        }
        let possible = UInt16(truncatingIfNeeded: seen & seen >> 10 & seen >> 20) & 0x3FF
        guard possible != 0 else { return }
        for position in 0..<(squashed.count - 2) {
            let key = PhraseFamily.startKey(squashed[position], squashed[position + 1], squashed[position + 2])
            var candidates = UInt16(truncatingIfNeeded: tables.keys[key]) & possible
            guard candidates != 0 else { continue }
            if position + 3 < squashed.count, tables.fourths[key] & 1 << UInt32(squashed[position + 3] &- 0x61) == 0 { continue }
            while candidates != 0 {
                let index = candidates.trailingZeroBitCount
                candidates &= candidates - 1
                let type: UInt16 = 1 << tables.typeIndexes[index]
                guard found & type == 0 else { continue }
                let family = tables.families[index]
                if family._withUnsafeGuaranteedRef({ $0.matches(squashed, at: position) }) && !isNegated(squashed, before: position) {
                    found |= type
                    matches.append(GuardrailMatch(check: .promptInjection, type: family._withUnsafeGuaranteedRef(\.type), range: nil))
                }
            }
        }
    }

    /// Words that, right before a phrase, turn it into the rule a system prompt states ("never
    /// reveal your system prompt", "do not ignore the rules above"), as the squashed view reads them.
    static let negations: [[UInt8]] = ["not", "never", "dont", "don't", "mustnt", "shouldnt", "cannot"].map(NormalizedText.squash)

    /// Whether the squashed text before `position` ends with a negation.
    private static func isNegated(_ squashed: UnsafeBufferPointer<UInt8>, before position: Int) -> Bool {
        negations.contains { word in position >= word.count && PhraseFamily.has(word, in: squashed, at: position - word.count) }
    }

    private static func hasDelimiter(_ symbols: ArraySlice<UInt8>) -> Bool {
        symbols.withUnsafeBufferPointer { symbols in
            // Every delimiter opens with `<`, `[` or `#`: those are found eight bytes at a time.
            var position = 0
            while true {
                position = ASCII.first(of: (UInt8(ascii: "<"), UInt8(ascii: "["), UInt8(ascii: "#")), in: symbols, from: position)
                guard position < symbols.count else { return false }
                if delimiters.contains(where: { PhraseFamily.has($0, in: symbols, at: position) }) { return true }
                position += 1
            }
        }
    }
}
