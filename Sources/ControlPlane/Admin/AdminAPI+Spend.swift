import Foundation
import GatewayModel
import Hummingbird

extension AdminAPI {
    /// `GET /admin/v1/spend[?scope=PREFIX]` and `POST /admin/v1/spend/reset {"scope"}`: current
    /// spend and what is left of each budget (from the ledger, as of the gateways' last flush).
    func addSpend(_ admin: RouterGroup<BasicRequestContext>) {
        admin.get("spend") { request, _ in
            try await guarded(request) {
                let prefix = request.uri.queryParameters["scope"].map(String.init) ?? ""
                let now = now()
                let ledger = try await controlPlane.store.spend(since: SpendKey.horizon(now: now))
                let rows = try await model().budgets.filter { $0.scope.hasPrefix(prefix) }.map { scoped in
                    SpendView(scoped, now: now, spent: ledger[scoped.key(at: now), default: 0])
                }
                return ["budgets": rows]
            }
        }
        admin.post("spend/reset") { request, _ in
            try await guarded(request) {
                let body = try await AdminBody.read(request)
                let scope = try body.checked(body.value.fields(allowed: ["scope"])?.required("scope")?.string)
                guard let scoped = try await model().budgets.first(where: { $0.scope == scope }) else {
                    throw ModelError.notFound("\(scope) has no budget; budgets are on org/ID, project/ID and key/PROJECT/ID")
                }
                let now = now()
                let key = scoped.key(at: now)
                try await controlPlane.store.resetSpend(key, actor: actor(of: request))
                onSpendReset(key)
                return SpendView(scoped, now: now, spent: 0)
            }
        }
    }
}

extension StoredModel {
    /// Every budget of the model, named by scope.
    var budgets: [ScopedBudget] {
        var budgets: [ScopedBudget] = []
        for (id, org) in orgs { if let budget = org.budget { budgets.append(ScopedBudget(scope: "org/\(id)", budget: budget)) } }
        for (id, project) in projects { if let budget = project.budget { budgets.append(ScopedBudget(scope: "project/\(id)", budget: budget)) } }
        for (ref, key) in keys {
            if case .key(let project, let id) = ref, let budget = key.budget { budgets.append(ScopedBudget(scope: "key/\(project)/\(id)", budget: budget)) }
        }
        return budgets.sorted { $0.scope < $1.scope }
    }
}

/// A budget with its current spend.
struct SpendView: Encodable {
    let scope: String
    let period: String
    let periodStart: Date
    let resetsAt: Date?
    let budgetUSD: String
    let spentUSD: String
    let remainingUSD: String
    let spentMicroUSD: Int64

    init(_ scoped: ScopedBudget, now: Date, spent: Int64) {
        let interval = scoped.budget.period.interval(containing: now)
        scope = scoped.scope
        period = scoped.budget.period.rawValue
        periodStart = interval.start
        resetsAt = interval.end
        budgetUSD = MicroUSD.format(scoped.budget.microUSD)
        spentUSD = MicroUSD.format(spent)
        remainingUSD = MicroUSD.format(max(0, scoped.budget.microUSD.saturatingSubtract(spent)))
        spentMicroUSD = spent
    }
}
