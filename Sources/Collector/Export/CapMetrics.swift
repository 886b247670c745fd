import GatewayModel

extension MetricFamily {
    /// Budgets and rate limits against their use, one series set per capped scope: what the usage
    /// dashboard plots as spend against limit and as rate-limit headroom. Each series carries its
    /// org, so an org's endpoint serves its own scopes only. Project and key are `none` on the
    /// scopes above them.
    public static func caps(_ standings: [CapStanding]) -> [MetricFamily] {
        let budgetLabels = ["org", "project", "key", "scope", "period"]
        let limitLabels = ["org", "project", "key", "scope", "unit"]
        var limit = MetricFamily("gateway_budget_limit_usd", .gauge, "Budget of the scope for its period.", labels: budgetLabels)
        var spent = MetricFamily(
            "gateway_budget_spent_usd", .gauge, "Spend settled in the budget's current period (every replica's, as of the last ledger exchange).",
            labels: budgetLabels)
        var reserved = MetricFamily(
            "gateway_budget_reserved_usd", .gauge, "Worst-case cost held against the budget by this process's requests in flight.", labels: budgetLabels)
        var perMinute = MetricFamily("gateway_rate_limit_per_minute", .gauge, "Rate limit of the scope per sliding minute, by unit.", labels: limitLabels)
        var used = MetricFamily(
            "gateway_rate_limit_used", .gauge, "Requests or tokens this process counted against the rate limit in the last minute.", labels: limitLabels)
        for standing in standings {
            let caps = standing.caps
            let owner = [caps.org, caps.project ?? "none", caps.key ?? "none", caps.level.rawValue]
            if let budget = caps.budget {
                let series = owner + [budget.period.rawValue]
                limit.set(Double(budget.microUSD) / 1e6, series)
                spent.set(Double(standing.spentMicroUSD) / 1e6, series)
                reserved.set(Double(standing.reservedMicroUSD) / 1e6, series)
            }
            if let requests = caps.limits?.requestsPerMinute {
                perMinute.set(Double(requests), owner + ["requests"])
                used.set(Double(standing.requestsInWindow), owner + ["requests"])
            }
            if let tokens = caps.limits?.tokensPerMinute {
                perMinute.set(Double(tokens), owner + ["tokens"])
                used.set(Double(standing.tokensInWindow), owner + ["tokens"])
            }
        }
        return [limit, spent, reserved, perMinute, used]
    }
}
