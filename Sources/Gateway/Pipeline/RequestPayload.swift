import HTTPTypes
import NIOCore
import WireJSON

/// A request body that passed the `payload` gate: valid JSON with the fields the endpoint needs,
/// kept as the original bytes plus the few values the gates read.
struct RequestPayload: Sendable {
    /// The body as the client sent it.
    let body: ByteBuffer
    /// The fields the gates act on.
    let fields: RequestFields

    /// The requested model.
    var model: String { fields.model }
    /// Whether the client asked for an SSE stream.
    var stream: Bool { fields.stream }
    /// `max_completion_tokens` or `max_tokens`, when given.
    var maxTokens: Int? { fields.maxTokens }

    /// Validates `body` for `endpoint`.
    /// - Throws: a `payload` ``GateDenial`` (400) naming what is wrong.
    static func parse(_ body: ByteBuffer, for endpoint: Endpoint) throws(GateDenial) -> RequestPayload {
        let shape = endpoint.shape
        let result: Result<RequestFields, RequestFieldError> = body.withUnsafeReadableBytes { raw in
            Result { () throws(RequestFieldError) in try RequestFields.read(raw.bindMemory(to: UInt8.self), shape: shape) }
        }
        switch result {
        case .success(let fields):
            return RequestPayload(body: body, fields: fields)
        case .failure(let error):
            throw GateDenial(gate: .payload, status: .badRequest, reason: error.reason, message: error.message, param: error.param)
        }
    }

    /// The body to send upstream (see ``RequestFields/upstreamBody(_:model:askForUsage:)``).
    func upstreamBody(model routed: String, askForUsage: Bool) -> ByteBuffer {
        fields.upstreamBody(body, model: routed, askForUsage: askForUsage)
    }
}
