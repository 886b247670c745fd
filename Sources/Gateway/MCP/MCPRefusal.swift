import HTTPTypes
import NIOCore
import WireJSON

/// A gate's refusal of one JSON-RPC request, answered as that request's JSON-RPC error (HTTP 200),
/// with the gate in `x-gateway-gate` and in the error's `data`.
enum MCPRefusal {
    /// The JSON-RPC error code of a request the gateway refused.
    static let code = -32001

    /// Whether `denial` refuses one call rather than the caller (a tool outside the lists, or its
    /// arguments stopped by the guardrails): answered as that request's JSON-RPC error.
    static func refusesOneCall(_ denial: GateDenial) -> Bool { denial.reason == .toolNotAllowed || denial.gate == .guardrails }

    /// The id of the request `arrival` carries, as written; nil for a notification or no message.
    static func id(of arrival: Arrival) -> String? { try? MCPMessage(arrival.body).id }

    /// The answer to request `id` that `denial` refused.
    static func response(id: String, denial: GateDenial) -> ClientAnswer {
        let body = """
            {"jsonrpc":"2.0","id":\(id),"error":{"code":\(code),"message":\(JSONString.quoted(denial.error.message)),\
            "data":{"gate":\(JSONString.quoted(denial.gate.rawValue)),"reason":\(JSONString.quoted(denial.reason.rawValue))}}}
            """
        var headers = denial.error.headers
        headers[.contentType] = "application/json"
        return ClientAnswer(status: .ok, headers: headers, body: .whole(ByteBuffer(string: body)))
    }
}
