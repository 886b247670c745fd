import GatewayModel
import Hummingbird

/// Lets a request of the platform-wide telemetry endpoints through only with the platform token.
/// When no token is configured, `required` endpoints answer 503 and the others are open (so
/// Prometheus can scrape a gateway that runs without one).
struct PlatformTelemetryMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: PlatformToken
    let required: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = token.refusal(request.headers, openWhenUnset: !required) { return TelemetryAPI.error(refusal) }
        return try await next(request, context)
    }
}
