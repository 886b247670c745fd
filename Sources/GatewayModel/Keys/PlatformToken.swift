import HTTPTypes
import WireJSON

/// The platform admin token that `admin.tokenEnv` names, as every listener checks it: the admin
/// and config APIs, the platform telemetry endpoints and a gateway's ring. Only its SHA-256 is
/// kept.
public struct PlatformToken: Sendable {
    private let hash: String?
    private let env: String

    /// `token` is the configured secret (nil or empty when unset); `env` is the variable it came from.
    public init(token: String?, env: String) {
        hash = token.flatMap { $0.isEmpty ? nil : KeyHasher.sha256Hex($0) }
        self.env = env
    }

    /// Whether a presented token's SHA-256 is the platform token's.
    public func matches(hash presented: String) -> Bool { hash == presented }

    /// Nil when `headers` carry the platform token; otherwise the 401, or with no token configured
    /// the 503 that says how to set one, unless `openWhenUnset` (endpoints such as `/metrics` that
    /// a process without a token serves to anyone on its admin listener).
    public func refusal(_ headers: HTTPFields, openWhenUnset: Bool = false) -> ClientError? {
        guard let hash else {
            if openWhenUnset { return nil }
            return ClientError(
                .serviceUnavailable, .adminTokenUnset,
                "No admin token is configured: set the environment variable \(env) (admin.tokenEnv) and restart.")
        }
        guard let token = BearerToken.parse(headers) else {
            return ClientError(.unauthorized, .tokenMissing, "Send the admin token as 'Authorization: Bearer <token>'.")
        }
        return KeyHasher.sha256Hex(token) == hash ? nil : ClientError(.unauthorized, .tokenUnknown, "The admin token is not recognised.")
    }
}
