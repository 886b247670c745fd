import GatewayModel
import Hummingbird
import WireJSON

/// Lets a request for `/telemetry/v1/orgs/{org}/...` through only with a telemetry token of that
/// org (403 for another org's token) or the platform token (404 for an org that does not exist),
/// so that no tenant endpoint checks tokens itself and a new one cannot forget to.
struct OrgTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let platformToken: PlatformToken
    let mapping: @Sendable () -> OrgMapping?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = BearerToken.parse(request.headers) else {
            return TelemetryAPI.error(ClientError(.unauthorized, .tokenMissing, "Send a telemetry token as 'Authorization: Bearer <token>'."))
        }
        guard let mapping = mapping() else { return TelemetryAPI.error(.mappingUnavailable) }
        let org = context.parameters.get("org") ?? ""
        let hash = KeyHasher.sha256Hex(token)
        if platformToken.matches(hash: hash) {
            guard mapping.orgs.contains(org) else { return TelemetryAPI.error(ClientError(.notFound, .orgUnknown, "No org '\(org)' is configured.")) }
        } else if let tokenOrg = mapping.orgByTokenHash[hash] {
            guard tokenOrg == org else {
                return TelemetryAPI.error(ClientError(.forbidden, .orgForbidden, "This token reads only its own org's telemetry."))
            }
        } else {
            return TelemetryAPI.error(ClientError(.unauthorized, .tokenUnknown, "The telemetry token is not recognised."))
        }
        return try await next(request, context)
    }
}
