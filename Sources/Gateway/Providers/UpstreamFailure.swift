import HTTPTypes
import NIOCore
import Telemetry

/// Why an attempt failed before anything reached the client.
enum UpstreamFailure: Error, Sendable {
    /// No connection, or it broke before the answer.
    case unreachable(String)
    /// The first-byte or total deadline passed.
    case timeout
    /// The provider answered with a retryable status (5xx, 429), and maybe a `retry-after` in seconds.
    case status(HTTPResponse.Status, retryAfter: Int? = nil)
    /// The provider refused the gateway's own credential (401 or 403): its `apiKeyEnv` is wrong.
    case authFailed(HTTPResponse.Status)
    /// A success status whose body is not the JSON object the API promises.
    case invalidResponse
    /// The client went away; stop without answering.
    case cancelled

    /// Whether retrying the same target may help (the next target is tried either way).
    var isRetryable: Bool {
        switch self {
        case .unreachable, .status: true
        case .timeout, .cancelled, .authFailed, .invalidResponse: false
        }
    }
}
