/// Where the control plane keeps the model (the `store:` section).
public struct StoreSettings: Sendable, Equatable {
    /// The embedded default: a SQLite file under `.gateway/` in the working directory.
    public static let defaultURL = "sqlite:.gateway/gateway.sqlite"
    /// `sqlite:PATH` (`sqlite::memory:` for a throwaway store) or `postgres://user:pass@host:5432/db`.
    public var url: String

    /// Creates settings.
    public init(url: String = StoreSettings.defaultURL) { self.url = url }
}

/// How gateway and collector processes follow a remote control plane (the `controlPlane:` section).
public struct ControlPlaneSettings: Sendable, Equatable {
    /// Admin URL of the control plane, e.g. `http://10.0.0.4:8081`; nil when this process runs it.
    public var url: String?
    /// Interval of the full reconcile that backs up the long-poll.
    public var resyncSeconds: Double

    /// Creates settings.
    public init(url: String? = nil, resyncSeconds: Double = 30) {
        self.url = url
        self.resyncSeconds = resyncSeconds
    }
}
