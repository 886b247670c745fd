import GatewayModel

/// One result row, by column name.
public struct SQLRow: Sendable {
    /// The row's values by lowercase column name.
    public var values: [String: SQLValue]

    /// Creates a row.
    public init(values: [String: SQLValue]) { self.values = values }

    /// The text in `column`; nil for SQL NULL.
    func text(_ column: String) throws(StoreError) -> String? {
        switch values[column] {
        case .text(let text): return text
        case .null: return nil
        default: throw StoreError.corrupt("column \(column) is not text")
        }
    }

    /// The integer in `column`; nil for SQL NULL.
    func int(_ column: String) throws(StoreError) -> Int64? {
        switch values[column] {
        case .int(let value): return value
        case .null: return nil
        default: throw StoreError.corrupt("column \(column) is not an integer")
        }
    }

    /// The non-null text in `column`.
    func requiredText(_ column: String) throws(StoreError) -> String {
        guard let text = try text(column) else { throw StoreError.corrupt("column \(column) is null") }
        return text
    }

    /// The non-null integer in `column`.
    func requiredInt(_ column: String) throws(StoreError) -> Int64 {
        guard let value = try int(column) else { throw StoreError.corrupt("column \(column) is null") }
        return value
    }
}
