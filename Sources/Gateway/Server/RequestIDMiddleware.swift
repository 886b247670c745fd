import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry

/// Adds `x-request-id` to every response, and answers errors that escape the routes (unknown
/// paths, wrong methods) in the OpenAI error shape.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            let message =
                switch error.status {
                case .notFound: "No endpoint \(request.method) \(request.uri.path); the gateway serves /v1/chat/completions, /v1/embeddings and /v1/models."
                case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path)."
                default: error.status.reasonPhrase
                }
            response = Self.error(status: error.status, code: error.status == .notFound ? "unknown_endpoint" : "invalid_request", message: message)
        }
        response.headers[.requestID] = context.requestID.description
        return response
    }

    /// An OpenAI-shaped error that no gate decided.
    static func error(status: HTTPResponse.Status, code: String, message: String) -> Response {
        let body = GateDenial.errorBody(message: message, type: "invalid_request_error", param: nil, code: code, gate: nil)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}
