import GatewayModel
import Guardrails

extension ConfigReader {
    /// A `{ input: {...}, output: {...} }` mapping of guardrail rules.
    func readGuardrails(_ value: YAMLValue) -> GuardrailPolicy? {
        guard let fields = value.fields(allowed: ["input", "output"]) else { return nil }
        if fields["input"] == nil && fields["output"] == nil { value.fail("guardrails need input, output or both") }
        let input = fields["input"].flatMap(readGuardrailRules)
        let output = fields["output"].flatMap(readGuardrailRules)
        return GuardrailPolicy(input: input ?? GuardrailRules(), output: output ?? GuardrailRules())
    }

    /// `{ pii, piiTypes, secrets, promptInjection, denyPhrases }`; every check is off unless named.
    func readGuardrailRules(_ value: YAMLValue) -> GuardrailRules? {
        guard let fields = value.fields(allowed: ["pii", "piiTypes", "secrets", "promptInjection", "denyPhrases"]) else { return nil }
        var rules = GuardrailRules()
        if let action = fields["pii"].flatMap({ readGuardrailAction($0, redactable: true) }) { rules.pii = action }
        if let action = fields["secrets"].flatMap({ readGuardrailAction($0, redactable: true) }) { rules.secrets = action }
        if let action = fields["promptInjection"].flatMap({ readGuardrailAction($0, redactable: false) }) { rules.promptInjection = action }
        if let types = fields["piiTypes"] {
            let known = PIIKind.allCases.map(\.rawValue).joined(separator: ", ")
            let items = types.list ?? []
            if types.list != nil && items.isEmpty { types.fail("piiTypes need at least one of \(known); leave piiTypes out for every type") }
            rules.piiTypes = items.compactMap { item in
                guard let name = item.string else { return nil }
                guard let kind = PIIKind(rawValue: name) else {
                    item.fail("unknown PII type '\(name)'; expected one of \(known)")
                    return nil
                }
                return kind
            }
        }
        if let deny = fields["denyPhrases"], let denyFields = deny.fields(allowed: ["action", "phrases"]) {
            let action = denyFields.required("action").flatMap { readGuardrailAction($0, redactable: false) }
            let phrases = (denyFields.required("phrases")?.list ?? []).compactMap { item -> String? in
                guard let phrase = item.string else { return nil }
                if !phrase.contains(where: \.isLetter) { item.fail("a deny phrase needs at least one letter") }
                return phrase
            }
            if let list = denyFields["phrases"], list.list?.isEmpty == true { list.fail("denyPhrases need at least one phrase") }
            if let action { rules.denyPhrases = DenyPhrases(action: action, phrases: phrases) }
        }
        return rules
    }

    private func readGuardrailAction(_ value: YAMLValue, redactable: Bool) -> GuardrailAction? {
        guard let text = value.string else { return nil }
        guard let action = GuardrailAction(rawValue: text) else {
            value.fail("unknown action '\(text)'; expected one of: \(GuardrailAction.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        if action == .redact && !redactable {
            value.fail("'redact' applies to pii and secrets only: a phrase is matched on a normalised view of the text; use monitor or block")
            return nil
        }
        return action
    }
}
