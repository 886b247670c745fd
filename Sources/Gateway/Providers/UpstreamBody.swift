import HTTPTypes
import NIOCore
import Telemetry

/// A response body from a provider.
enum UpstreamBody: Sendable {
    /// The whole body.
    case buffer(ByteBuffer)
    /// Chunks as they arrive; iterating ends the upstream request when dropped.
    case stream(any AsyncSequence<ByteBuffer, any Error> & Sendable)
}
