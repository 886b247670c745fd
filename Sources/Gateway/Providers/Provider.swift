import HTTPTypes
import NIOCore
import Telemetry

/// An upstream that answers OpenAI-style requests.
protocol Provider: Sendable {
    /// Sends one attempt and returns once the response head (and, unless streaming, the body) arrived.
    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse
}
