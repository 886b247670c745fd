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
