import HTTPTypes
import HummingbirdCore
import NIOCore

/// A data-plane answer as the listener writes it: the status, the fields, and the body, whole or
/// streamed. A whole body goes out with its head in one write, straight from the event loop. A
/// provider's stream is relayed from the event loop too, as its connection reads it (a
/// translated one by a task); an MCP server's stream by a task.
struct ClientAnswer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Body

    /// An answer's body.
    enum Body: Sendable {
        /// The whole body, known when the answer is.
        case whole(ByteBuffer)
        /// A body written as it comes, by a task (an MCP server's stream).
        case stream(ResponseBody)
        /// A provider's stream.
        case relay(StreamRelay)
    }
}
