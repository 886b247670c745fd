import GatewayModel
import HTTPTypes
import WireJSON

/// The denials of the `upstream` stage.
extension GateDenial {
    /// The client went away before the provider answered.
    static let clientGone = GateDenial(
        gate: .upstream, status: .init(code: 499, reasonPhrase: "Client Closed Request"), reason: .clientClosed,
        message: "The client closed the connection before the provider answered.")

    /// The denial after every target failed; `last` is the last failure and its provider.
    static func upstream(after last: (failure: UpstreamFailure, provider: ProviderConfig)?, model: String, attempts: Int) -> GateDenial {
        let tried = "after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        guard let (failure, config) = last else {
            return GateDenial(
                gate: .upstream, status: .serviceUnavailable, reason: .upstreamUnreachable,
                message: "No provider target of model '\(model)' is available; check the route's providers.")
        }
        let provider = config.name
        switch failure {
        case .authFailed(let status):
            let variable = config.apiKeyEnv.map { "the key in the environment variable '\($0)' (its apiKeyEnv)" } ?? "its apiKeyEnv (none is set)"
            return GateDenial(
                gate: .upstream, status: .badGateway, reason: .upstreamAuthFailed,
                message: "Provider '\(provider)' refused the gateway's credential (\(status.code)) for model '\(model)'; "
                    + "this is not the caller's key: an operator must check \(variable).")
        case .invalidResponse:
            return GateDenial(
                gate: .upstream, status: .badGateway, reason: .upstreamInvalidResponse,
                message: "Provider '\(provider)' answered model '\(model)' with a success status but a body that is not JSON \(tried); retry later or check the provider.")
        case .timeout:
            return GateDenial(
                gate: .upstream, status: .gatewayTimeout, reason: .upstreamTimeout,
                message: "Provider '\(provider)' did not answer in time for model '\(model)' \(tried); retry later or raise its timeoutSeconds.")
        case .status(let status, let retryAfter):
            let limited = status.code == 429
            var denial = GateDenial(
                gate: .upstream, status: .serviceUnavailable, reason: limited ? .upstreamRateLimited : .upstreamError,
                message: "Provider '\(provider)' answered \(status.code) for model '\(model)' \(tried); retry later.")
            // The provider's own wait (delay-seconds only) tells the client when a retry can work.
            if let retryAfter { denial.headers[.retryAfter] = String(retryAfter) }
            return denial
        case .unreachable, .cancelled:
            return GateDenial(
                gate: .upstream, status: .serviceUnavailable, reason: .upstreamUnreachable,
                message: "Provider '\(provider)' could not be reached for model '\(model)' \(tried); retry later or check the provider.")
        }
    }
}
