/// Where the control plane keeps the model (the `store:` section).
public struct StoreSettings: Sendable, Equatable {
    /// The embedded default: a SQLite file under `.gateway/` in the working directory.
    public static let defaultURL = "sqlite:.gateway/gateway.sqlite"
    /// `sqlite:PATH` (`sqlite::memory:` for a throwaway store) or `postgres://user:pass@host:5432/db`.
    public var url: String

    /// Creates settings.
    public init(url: String = StoreSettings.defaultURL) { self.url = url }
}
