import GatewayModel
import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry
import WireJSON

/// A gate's decision to stop a request: the status, the machine-readable reason and a message that
/// says what to do. Rendered in the OpenAI error shape with the gate added.
public struct GateDenial: Error, Sendable, Equatable {
    /// The gate that stopped the request.
    public var gate: GateID
    /// HTTP status returned to the client.
    public var status: HTTPResponse.Status
    /// Machine-readable reason, e.g. `key_missing`; the error body's `code`.
    public var reason: String
    /// Human-readable explanation; never contains a secret.
    public var message: String
    /// The request field at fault, when there is one (OpenAI's `param`).
    public var param: String?
    /// Whether to close the connection after answering (a body was left unread).
    public var closesConnection = false
    /// Extra headers of the answer, such as `retry-after`.
    public var headers = HTTPFields()
    /// The key the denied request presented, when it names a project (revoked, expired or
    /// unscoped): the denial is telemetry of that project's org.
    var caller: KeyGrant?

    /// Creates a denial.
    public init(gate: GateID, status: HTTPResponse.Status, reason: String, message: String, param: String? = nil) {
        self.gate = gate
        self.status = status
        self.reason = reason
        self.message = message
        self.param = param
    }

    /// How telemetry classes this denial: `error` when a dependency failed, else `deny`.
    var decision: Decision { status.code >= 500 ? .error : .deny }

    /// The OpenAI error `type` for the status.
    public var errorType: String {
        switch status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 429: "rate_limit_error"
        case 500...: "api_error"
        default: "invalid_request_error"
        }
    }

    /// The JSON error body: `{"error":{"message","type","param","code","gate"}}`.
    public var body: ByteBuffer {
        Self.errorBody(message: message, type: errorType, param: param, code: reason, gate: gate)
    }

    /// An OpenAI-shaped error body; `gate` is left out for errors no gate decided.
    static func errorBody(message: String, type: String, param: String?, code: String, gate: GateID?) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"error\":{\"message\":")
        JSONString.write(message, to: &buffer)
        buffer.writeStaticString(",\"type\":")
        JSONString.write(type, to: &buffer)
        buffer.writeStaticString(",\"param\":")
        if let param { JSONString.write(param, to: &buffer) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString(",\"code\":")
        JSONString.write(code, to: &buffer)
        if let gate {
            buffer.writeStaticString(",\"gate\":")
            JSONString.write(gate.rawValue, to: &buffer)
        }
        buffer.writeStaticString("}}")
        return buffer
    }

    /// The HTTP response: error body, `x-gateway-gate`, and `connection: close` when the body was left unread.
    func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .gatewayGate: gate.rawValue]
        headers.append(contentsOf: self.headers)
        // The data-plane server closes the connection after this answer, without reading the rest.
        if closesConnection { headers[.connection] = "close" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

extension HTTPField.Name {
    /// The gate that decided a denied request.
    static let gatewayGate = HTTPField.Name("x-gateway-gate")!
    /// The request id every response carries.
    static let requestID = HTTPField.Name("x-request-id")!
    /// The provider that answered a forwarded request.
    static let gatewayProvider = HTTPField.Name("x-gateway-provider")!
    /// The `x-api-key` header some clients send their key in.
    static let apiKey = HTTPField.Name("x-api-key")!
}
