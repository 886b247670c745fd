import HTTPTypes
import NIOCore

/// An error as a client sees it, on every listener (data plane, admin, config and telemetry APIs):
/// the status, a reason from the closed set, a message that says what to do, and for a gate's
/// denial the gate. Rendered in the OpenAI error shape, here and nowhere else:
/// `{"error":{"message","type","param","code","gate"}}`.
public struct ClientError: Error, Sendable, Equatable {
    /// HTTP status returned to the client.
    public var status: HTTPResponse.Status
    /// Machine-readable reason; the error body's `code`.
    public var reason: ReasonCode
    /// Human-readable explanation; never contains a secret.
    public var message: String
    /// The request field at fault, when there is one (OpenAI's `param`).
    public var param: String?
    /// The gate that stopped the request, for the data plane's denials.
    public var gate: String?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ reason: ReasonCode, _ message: String, param: String? = nil, gate: String? = nil) {
        self.status = status
        self.reason = reason
        self.message = message
        self.param = param
        self.gate = gate
    }

    /// The OpenAI error `type` of the status, as OpenAI's clients map it.
    public var type: String {
        switch status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 429: "rate_limit_error"
        case 500...: "api_error"
        default: "invalid_request_error"
        }
    }

    /// The JSON body; `gate` is left out for errors no gate decided.
    public var body: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"error\":")
        writeError(type: type, to: &buffer)
        buffer.writeStaticString("}")
        return buffer
    }

    /// The error object: `{"message","type","param","code","gate"}`.
    private func writeError(type: String, to buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"message\":")
        JSONString.write(message, to: &buffer)
        buffer.writeStaticString(",\"type\":")
        JSONString.write(type, to: &buffer)
        buffer.writeStaticString(",\"param\":")
        if let param { JSONString.write(param, to: &buffer) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString(",\"code\":")
        JSONString.write(reason.rawValue, to: &buffer)
        if let gate {
            buffer.writeStaticString(",\"gate\":")
            JSONString.write(gate, to: &buffer)
        }
        buffer.writeStaticString("}")
    }

    /// The Anthropic error `type` of a status, as the `anthropic` clients map it to exceptions.
    public static func anthropicType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        case 500...: "api_error"
        default: "invalid_request_error"
        }
    }

    /// The body in the Anthropic Messages API's error shape, for the `/v1/messages` front door:
    /// `{"type":"error","error":{"message","type","param","code","gate"}}`.
    public var messagesBody: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"type\":\"error\",\"error\":")
        writeError(type: Self.anthropicType(status: Int(status.code)), to: &buffer)
        buffer.writeStaticString("}")
        return buffer
    }

    /// The headers of the answer: `content-type`, and `x-gateway-gate` for a gate's denial.
    public var headers: HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let gate { headers[.gatewayGate] = gate }
        return headers
    }
}

extension HTTPField.Name {
    /// The gate that decided a denied request.
    public static let gatewayGate = HTTPField.Name("x-gateway-gate")!
}
