import HTTPTypes
import NIOCore
import Telemetry

/// A provider's answer.
struct UpstreamResponse: Sendable {
    /// The provider's status code.
    var status: HTTPResponse.Status
    /// The provider's content type.
    var contentType: String?
    /// The body: whole for ordinary responses, a sequence of chunks for a stream.
    var body: UpstreamBody
}
