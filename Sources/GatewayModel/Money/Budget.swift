import Foundation

/// A spending cap in integer micro-USD over a calendar period (UTC).
public struct Budget: Sendable, Equatable, Codable {
    /// The span a budget's spend accumulates over before it resets.
    public enum Period: String, Sendable, Codable, CaseIterable {
        case daily, weekly, monthly, total
    }
    /// The cap, in millionths of a US dollar.
    public var microUSD: Int64
    /// When the spend resets.
    public var period: Period

    /// Creates a budget.
    public init(microUSD: Int64, period: Period) {
        self.microUSD = microUSD
        self.period = period
    }
}

/// Requests-per-minute and tokens-per-minute caps; nil fields are unlimited.
public struct RateLimits: Sendable, Equatable, Codable {
    /// Requests allowed in any sliding minute.
    public var requestsPerMinute: Int?
    /// Prompt plus completion tokens allowed in any sliding minute.
    public var tokensPerMinute: Int?

    /// Creates limits.
    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }
}

/// Converts decimal dollar amounts to integer micro-USD without floating point.
public enum MicroUSD {
    /// Parses `12`, `12.5` or `0.000001` into micro-USD; nil for negatives, more than six decimals,
    /// or amounts above one trillion dollars.
    public static func parse(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy(\.isASCIIDigitCharacter) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigitCharacter), parts.count == 1 || !fraction.isEmpty else { return nil }
        fraction += String(repeating: "0", count: 6 - fraction.count)
        guard let dollars = Int64(whole), let micros = Int64(fraction) else { return nil }
        return dollars * 1_000_000 + micros
    }

    /// `micros` as a decimal dollar string with no trailing zeros, e.g. `12.5`.
    public static func format(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000)
        guard fraction != "0" else { return "\(sign)\(whole)" }
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)"
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

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

/// Rate limits and the object they cap, named like `project/chatbot` or `key/chatbot/ci`.
public struct ScopedLimits: Sendable, Equatable {
    /// The capped object, e.g. `key/chatbot/ci`.
    public let scope: String
    /// The limits.
    public let limits: RateLimits
    /// Creates scoped limits.
    public init(scope: String, limits: RateLimits) {
        self.scope = scope
        self.limits = limits
    }
}

extension Budget.Period {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The UTC calendar period containing `date`: the day, the ISO week (from Monday), the month,
    /// or for `total` everything since the Unix epoch. The end is nil for `total`.
    public func interval(containing date: Date) -> (start: Date, end: Date?) {
        let component: Calendar.Component
        switch self {
        case .daily: component = .day
        case .weekly: component = .weekOfYear
        case .monthly: component = .month
        case .total: return (Date(timeIntervalSince1970: 0), nil)
        }
        let interval = Self.calendar.dateInterval(of: component, for: date)!
        return (interval.start, interval.end)
    }
}
