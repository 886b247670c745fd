import GatewayModel
import Telemetry
import Testing

@testable import Collector

@Suite("Budget and rate-limit metrics")
struct CapMetricsTests {
    static let standings = [
        CapStanding(
            caps: ScopeCaps(level: .org, org: "acme", budget: Budget(microUSD: 1_000_000_000, period: .monthly), limits: nil),
            spentMicroUSD: 1_234_567, reservedMicroUSD: 10, requestsInWindow: 0, tokensInWindow: 0),
        CapStanding(
            caps: ScopeCaps(
                level: .key, org: "acme", project: "chatbot", key: "ci", budget: nil, limits: RateLimits(requestsPerMinute: 60, tokensPerMinute: 1000)),
            spentMicroUSD: 0, reservedMicroUSD: 0, requestsInWindow: 7, tokensInWindow: 250),
        CapStanding(
            caps: ScopeCaps(level: .project, org: "globex", project: "search", budget: Budget(microUSD: 1, period: .daily), limits: nil),
            spentMicroUSD: 1, reservedMicroUSD: 0, requestsInWindow: 0, tokensInWindow: 0),
    ]

    @Test("each budget's limit, spend and reservation, and each limit's use, labelled by owner and scope")
    func series() {
        let text = PrometheusText.render(MetricFamily.caps(Self.standings), format: .text)
        #expect(text.contains(#"gateway_budget_limit_usd{org="acme",project="none",key="none",scope="org",period="monthly"} 1000"#))
        #expect(text.contains(#"gateway_budget_spent_usd{org="acme",project="none",key="none",scope="org",period="monthly"} 1.234567"#))
        #expect(text.contains(#"gateway_budget_reserved_usd{org="acme",project="none",key="none",scope="org",period="monthly"} 1e-05"#))
        #expect(text.contains(#"gateway_budget_limit_usd{org="globex",project="search",key="none",scope="project",period="daily"} 1e-06"#))
        #expect(text.contains(#"gateway_rate_limit_per_minute{org="acme",project="chatbot",key="ci",scope="key",unit="requests"} 60"#))
        #expect(text.contains(#"gateway_rate_limit_used{org="acme",project="chatbot",key="ci",scope="key",unit="tokens"} 250"#))
        #expect(!text.contains(#"key="ci",scope="key",period"#), "a scope without a budget has no budget series")
    }

    @Test("an org's view holds its own scopes only")
    func orgView() {
        let acme = MetricFamily.caps(Self.standings).compactMap { $0.only(org: "acme") }
        let text = PrometheusText.render(acme, format: .text)
        #expect(text.contains(#"org="acme""#))
        #expect(!text.contains("globex"))
    }
}

@Suite("Guardrail findings as metrics")
struct GuardrailFindingMetricsTests {
    @Test("findings are counted by org, project, direction, check and action, never by text")
    func counted() {
        var trace = PrometheusTextTests.trace(project: "p", model: "gpt-4o-mini", status: 403)
        trace.append(GuardrailFinding(direction: .input, check: .pii, action: .block, type: "email", message: 0, count: 2))
        trace.append(GuardrailFinding(direction: .input, check: .pii, action: .block, type: "phone", message: 1))
        trace.append(GuardrailFinding(direction: .input, check: .promptInjection, action: .monitor, type: "role_switch", message: 1))
        let mapping = OrgMapping(orgByProject: ["p": "acme"], orgs: ["acme"], models: ["gpt-4o-mini"])
        let text = PrometheusText.render(PrometheusTextTests.store(with: [trace], mapping: mapping).families(org: "acme"), format: .text)
        #expect(text.contains(#"gateway_guardrail_findings_total{org="acme",project="p",direction="input",check="pii",action="block"} 3"#))
        #expect(text.contains(#"gateway_guardrail_findings_total{org="acme",project="p",direction="input",check="prompt_injection",action="monitor"} 1"#))
    }
}
