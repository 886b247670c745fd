/// A policy with its scanners built once, shared by every request under it: a class, so that a
/// request reads it through one reference rather than copying the policy and both scanners.
public final class GuardrailSet: Sendable, Equatable {
    /// The policy.
    public let policy: GuardrailPolicy
    /// The scanner of the request's text.
    public let input: GuardrailScanner
    /// The scanner of the provider's answer.
    public let output: GuardrailScanner

    /// Builds the scanners of `policy`.
    public init(policy: GuardrailPolicy) {
        self.policy = policy
        self.input = GuardrailScanner(rules: policy.input)
        self.output = GuardrailScanner(rules: policy.output)
    }

    /// The set of `policy` when it runs any check, else nil.
    public convenience init?(active policy: GuardrailPolicy?) {
        guard let policy, policy.isActive else { return nil }
        self.init(policy: policy)
    }

    /// Two sets are the same when their policies are.
    public static func == (lhs: GuardrailSet, rhs: GuardrailSet) -> Bool { lhs.policy == rhs.policy }
}
