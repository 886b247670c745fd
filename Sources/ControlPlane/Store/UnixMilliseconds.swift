import struct Foundation.Date

/// Times as the store keeps them: whole Unix milliseconds.
enum UnixMilliseconds {
    /// The wall clock now.
    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    /// `date` in milliseconds, nil for nil.
    static func of(_ date: Date?) -> Int64? { date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } }
    /// The date of `milliseconds`, nil for nil.
    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) } }
}
