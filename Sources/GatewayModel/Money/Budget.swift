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
