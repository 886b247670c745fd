import Foundation

/// A budget and the object it caps, named like `project/chatbot` or `key/chatbot/ci`.
public struct ScopedBudget: Sendable, Equatable {
    /// The capped object, e.g. `project/chatbot`.
    public let scope: String
    /// The budget.
    public let budget: Budget
    /// Creates a scoped budget.
    public init(scope: String, budget: Budget) {
        self.scope = scope
        self.budget = budget
    }
}

extension ScopedBudget {
    /// The ledger key of the period containing `date`.
    public func key(at date: Date) -> SpendKey {
        SpendKey(scope: scope, periodStart: Int64(budget.period.interval(containing: date).start.timeIntervalSince1970 * 1000))
    }
}
