import GatewayModel
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
