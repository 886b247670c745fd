import GatewayModel
import HTTPTypes
import NIOCore
import Telemetry
import WireJSON

/// A gate's decision to stop a request: the ``ClientError`` the client reads (with the gate), and
/// how the answer goes out.
public struct GateDenial: Error, Sendable, Equatable {
    /// The gate that stopped the request.
    public var gate: GateID
    /// What the client reads: status, reason, message and field.
    public var error: ClientError
    /// Whether to close the connection after answering (a body was left unread).
    public var closesConnection = false
    /// Extra headers of the answer, such as `retry-after`.
    public var headers = HTTPFields()
    /// The key the denied request presented, when it names a project (revoked, expired or
    /// unscoped): the denial is telemetry of that project's org.
    var caller: KeyGrant?
    /// What the guardrails found in the denied request (they go into its trace).
    var findings: [GuardrailFinding] = []

    /// Creates a denial.
    public init(gate: GateID, status: HTTPResponse.Status, reason: ReasonCode, message: String, param: String? = nil) {
        self.gate = gate
        self.error = ClientError(status, reason, message, param: param, gate: gate.rawValue)
    }

    /// HTTP status returned to the client.
    public var status: HTTPResponse.Status { error.status }
    /// Machine-readable reason; the error body's `code` and the span's reason.
    public var reason: ReasonCode { error.reason }

    /// How telemetry classes this denial: `error` when a dependency failed, else `deny`.
    var decision: Decision { status.code >= 500 ? .error : .deny }

    /// The HTTP response: the error (in the OpenAI shape, or the Anthropic one when `messages`),
    /// `x-gateway-gate`, and `connection: close` when the body was left unread.
    func response(messages: Bool = false) -> ClientAnswer {
        var headers = error.headers
        headers.append(contentsOf: self.headers)
        // The data-plane server closes the connection after this answer, without reading the rest.
        if closesConnection { headers[.connection] = "close" }
        return ClientAnswer(status: status, headers: headers, body: .whole(messages ? error.messagesBody : error.body))
    }
}

extension HTTPField.Name {
    /// The provider that answered a forwarded request.
    static let gatewayProvider = HTTPField.Name("x-gateway-provider")!
    /// The `x-api-key` header some clients send their key in.
    static let apiKey = HTTPField.Name("x-api-key")!
    /// The Messages API version an Anthropic client asks for.
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
    /// The Messages API beta features an Anthropic client asks for.
    static let anthropicBeta = HTTPField.Name("anthropic-beta")!
    /// The request id the Anthropic clients read.
    static let anthropicRequestID = HTTPField.Name("request-id")!
}
