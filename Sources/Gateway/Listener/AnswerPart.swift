import HTTPTypes
import NIOCore

/// A part of an answer on its way to the client, in the order the parts are written. Handed to
/// ``RequestReader/send(_:promise:)`` by a direct call, never through the pipeline, so no part is
/// boxed on its way.
enum AnswerPart {
    /// `100 Continue`, before any answer: the client may send the body it holds back.
    case proceed
    /// The head of an answer whose body follows in parts.
    case head(AnswerHead)
    /// A piece of the body.
    case body(ByteBuffer)
    /// The end of the answer, with trailers (sent only when the body is chunked).
    case end(HTTPFields?)
    /// A whole answer of known length: head, body and end at once.
    case whole(AnswerHead, ByteBuffer)

    /// Whether the answer ends with this part.
    var endsAnswer: Bool {
        switch self {
        case .end, .whole: true
        case .proceed, .head, .body: false
        }
    }
}
