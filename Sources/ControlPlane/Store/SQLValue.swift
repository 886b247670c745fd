import GatewayModel

/// A value bound to or read from a SQL statement: the only three kinds the store uses.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)

    /// `.text`, or `.null` for nil.
    init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    /// `.int`, or `.null` for nil.
    init(_ int: Int?) { self = int.map { .int(Int64($0)) } ?? .null }
    /// `.int`, or `.null` for nil.
    init(_ int: Int64?) { self = int.map { .int($0) } ?? .null }
}
