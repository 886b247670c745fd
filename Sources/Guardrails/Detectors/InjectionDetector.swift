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

    /// The index of each family's type among the distinct types, so each type is reported once.
    private static let typeIndexes: [Int] = {
        var names: [String] = []
        return families.map { family in
            if let index = names.firstIndex(of: family.type.description) { return index }
            names.append(family.type.description)
            return names.count - 1
        }
    }()

    /// For each three first letters (``PhraseFamily/startKey(_:_:_:)``), a bit per family that can
    /// start with them: most positions of a text are ruled out by one lookup.
    private static let starts: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 26 * 26 * 26)
        for (index, family) in families.enumerated() {
            for key in family.startKeys.keys { table[key] |= 1 << UInt16(index) }
        }
        return table
    }()

    /// For each three first letters, the letters that may follow them in any family: of the
    /// positions one lookup in ``starts`` leaves (`the`, `for` and `rep` of most prose), the
    /// fourth letter rules out most.
    private static let fourths: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 26 * 26 * 26)
        for family in families {
            for (key, fourth) in family.startKeys { table[key] |= fourth }
        }
        return table
    }()

    func scan(_ views: [NormalizedText], into matches: inout [GuardrailMatch]) {
        let families = Self.families
        let typeIndexes = Self.typeIndexes
        let fourths = Self.fourths
        // A bit per type found, so each type is reported once.
        var found: UInt16 = 0
        var delimiter = false
        for view in views {
            Self.starts.withUnsafeBufferPointer { starts in
                view.squashed.withUnsafeBufferPointer { squashed in
                    guard squashed.count >= 3 else { return }
                    for position in 0..<(squashed.count - 2) {
                        let key = PhraseFamily.startKey(squashed[position], squashed[position + 1], squashed[position + 2])
                        var candidates = starts[key]
                        if candidates != 0, position + 3 < squashed.count, fourths[key] & 1 << UInt32(squashed[position + 3] &- 0x61) == 0 { continue }
                        while candidates != 0 {
                            let index = candidates.trailingZeroBitCount
                            candidates &= candidates - 1
                            let type: UInt16 = 1 << typeIndexes[index]
                            if found & type == 0 && families[index].matches(squashed, at: position) && !Self.isNegated(squashed, before: position) {
                                found |= type
                                matches.append(GuardrailMatch(check: .promptInjection, type: families[index].type, range: nil))
                            }
                        }
                    }
                }
            }
            if !delimiter { delimiter = Self.hasDelimiter(view.symbols) }
        }
        if delimiter { matches.append(GuardrailMatch(check: .promptInjection, type: "chat_template", range: nil)) }
    }

    /// Words that, right before a phrase, turn it into the rule a system prompt states ("never
    /// reveal your system prompt", "do not ignore the rules above"), as the squashed view reads them.
    private static let negations: [[UInt8]] = ["not", "never", "dont", "don't", "mustnt", "shouldnt", "cannot"].map(NormalizedText.squash)

    /// Whether the squashed text before `position` ends with a negation.
    private static func isNegated(_ squashed: UnsafeBufferPointer<UInt8>, before position: Int) -> Bool {
        negations.contains { word in position >= word.count && PhraseFamily.has(word, in: squashed, at: position - word.count) }
    }

    private static func hasDelimiter(_ symbols: ArraySlice<UInt8>) -> Bool {
        symbols.withUnsafeBufferPointer { symbols in
            for position in symbols.indices where symbols[position] == UInt8(ascii: "<") || symbols[position] == UInt8(ascii: "[") || symbols[position] == UInt8(ascii: "#") {
                if delimiters.contains(where: { PhraseFamily.has($0, in: symbols, at: position) }) { return true }
            }
            return false
        }
    }
}
