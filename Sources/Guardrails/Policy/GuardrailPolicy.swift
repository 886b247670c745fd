/// A project's or a key's guardrails: rules for the request's text and for the provider's answer.
public struct GuardrailPolicy: Sendable, Codable, Equatable {
    /// Rules for the request's message text, all roles, before it goes upstream.
    public var input: GuardrailRules
    /// Rules for the provider's answer, streamed answers included.
    public var output: GuardrailRules

    /// Creates a policy; both directions are off unless given.
    public init(input: GuardrailRules = GuardrailRules(), output: GuardrailRules = GuardrailRules()) {
        self.input = input
        self.output = output
    }

    /// Whether any check runs in either direction.
    public var isActive: Bool { input.isActive || output.isActive }

    /// The policy that applies to a key: its project's, tightened by the key's own. A key can add
    /// checks or make them stricter, never loosen them.
    public static func effective(project: GuardrailPolicy?, key: GuardrailPolicy?) -> GuardrailPolicy? {
        switch (project, key) {
        case (nil, nil): nil
        case (let only?, nil), (nil, let only?): only
        case (let project?, let key?): GuardrailPolicy(input: project.input.tightened(by: key.input), output: project.output.tightened(by: key.output))
        }
    }
}
