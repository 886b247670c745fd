import HTTPTypes
import NIOCore

/// How a relayed stream ended.
enum StreamOutcome: Equatable {
    case completed, clientClosed, timedOut, upstreamBroke

    var reason: String? {
        switch self {
        case .completed: nil
        case .clientClosed: "client_closed"
        case .timedOut: "upstream_timeout"
        case .upstreamBroke: "upstream_stream_broken"
        }
    }

    /// A final SSE event that tells an OpenAI client the stream failed, with the gate.
    func errorEvent(provider: String) -> ByteBuffer? {
        let message: String
        switch self {
        case .completed, .clientClosed: return nil
        case .timedOut: message = "Provider '\(provider)' exceeded its timeout while streaming; the answer is incomplete."
        case .upstreamBroke: message = "The stream from provider '\(provider)' broke off; the answer is incomplete."
        }
        let denial = GateDenial(gate: .upstream, status: .badGateway, reason: reason!, message: message)
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeImmutableBuffer(denial.body)
        buffer.writeString("\n\n")
        return buffer
    }
}
