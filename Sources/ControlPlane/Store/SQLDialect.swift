import GatewayModel

/// The SQL flavour a database speaks, for the few statements that differ.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}
