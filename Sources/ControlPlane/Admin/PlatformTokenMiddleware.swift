import GatewayModel
import Hummingbird

/// Lets a request of a route group through only with the platform token (401 without it, 503
/// when none is configured), so that no route of the admin or config API checks it itself.
struct PlatformTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: PlatformToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = token.refusal(request.headers) { return APIResponse.error(refusal) }
        return try await next(request, context)
    }
}
