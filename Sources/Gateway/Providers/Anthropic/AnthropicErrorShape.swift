import NIOCore
import WireJSON

/// Error bodies between the Anthropic shape (`{"type":"error","error":{"type","message"}}`) and
/// the OpenAI shape (`{"error":{"message","type","param","code"}}`), with the provider's status.
enum AnthropicErrorShape {
    /// The Anthropic error type of an OpenAI one.
    static func type(ofOpenAI type: String?) -> String {
        switch type {
        case "invalid_request_error", "authentication_error", "permission_error", "rate_limit_error", "not_found_error": type!
        default: "api_error"
        }
    }

    /// An Anthropic error body as an OpenAI one; the message is kept, the type follows the status.
    static func toOpenAI(_ body: ByteBuffer, status: Int) -> ByteBuffer {
        let error = JSONBody.object(body)?["error"] as? JSONBody.Object ?? [:]
        return openAIBody(message: error["message"] as? String, code: error["type"] as? String, status: status)
    }

    /// An OpenAI error body as an Anthropic one.
    static func fromOpenAI(_ body: ByteBuffer, status: Int) -> ByteBuffer {
        let error = JSONBody.object(body)?["error"] as? JSONBody.Object ?? [:]
        let message = error["message"] as? String ?? "The provider answered \(status)."
        return JSONBody.buffer(["type": "error", "error": ["type": ClientError.anthropicType(status: status), "message": message]])
    }

    /// An OpenAI error body with `message` (or a note of the status) and `code`.
    static func openAIBody(message: String?, code: String?, status: Int) -> ByteBuffer {
        let type: String =
            switch status {
            case 401: "authentication_error"
            case 403: "permission_error"
            case 404: "not_found_error"
            case 429: "rate_limit_error"
            case 500...: "api_error"
            default: "invalid_request_error"
            }
        let error: JSONBody.Object = [
            "message": message ?? "The provider answered \(status).", "type": type, "param": JSONBody.null, "code": code ?? JSONBody.null,
        ]
        return JSONBody.buffer(["error": error])
    }
}
