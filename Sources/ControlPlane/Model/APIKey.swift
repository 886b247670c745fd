import struct Foundation.Date

/// A client API key, known only by the SHA-256 of its secret.
public struct APIKey: Sendable, Equatable {
    /// Key id, unique within its project; shown in telemetry instead of the secret.
    public var id: String
    /// Lowercase hex SHA-256 of the whole key string.
    public var sha256: String
    /// When the key stops working; nil for never.
    public var expiresAt: Date?

    /// Creates a key record.
    public init(id: String, sha256: String, expiresAt: Date? = nil) {
        self.id = id
        self.sha256 = sha256
        self.expiresAt = expiresAt
    }
}
