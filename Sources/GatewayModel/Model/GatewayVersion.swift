/// The gateway's release version, reported as `service.version` and in `User-Agent`.
public enum GatewayVersion {
    /// The version of this build.
    public static let current = "0.9.0"
}
