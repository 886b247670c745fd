import GatewayModel

/// Why the store could not do what was asked.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The store URL is not one the gateway understands.
    case badURL(String)
    /// The database could not be reached or answered with an error.
    case unavailable(String)
    /// Data in the store does not have the expected shape.
    case corrupt(String)
    /// The store's schema is newer than this binary understands.
    case schemaTooNew(found: Int, known: Int)

    /// A one-line description for logs and messages.
    public var description: String {
        switch self {
        case .badURL(let message): "bad store URL: \(message)"
        case .unavailable(let message): "store unavailable: \(message)"
        case .corrupt(let message): "store data is corrupt: \(message)"
        case .schemaTooNew(let found, let known):
            "the store's schema is at migration \(found) but this gateway knows only up to \(known); upgrade the gateway"
        }
    }
}
