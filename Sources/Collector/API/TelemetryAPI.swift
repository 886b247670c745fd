import GatewayModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry

/// The admin listener's telemetry endpoints: platform-wide `/metrics`, and the tenant-scoped
/// `/telemetry/v1/orgs/{org}/...` that an org token may read for its own org only.
public struct TelemetryAPI: Sendable {
    let collector: Collector
    let mapping: @Sendable () -> OrgMapping?
    let platformTokenHash: String?
    let processFamilies: @Sendable () -> [MetricFamily]

    /// Creates the API. `platformToken` is the admin token; when nil, `/metrics` is open and
    /// only org tokens reach the tenant endpoints. `processFamilies` adds this process's own
    /// metrics (such as reconcile status) to the platform-wide `/metrics`.
    public init(
        collector: Collector, mapping: @escaping @Sendable () -> OrgMapping?, platformToken: String?,
        processFamilies: @escaping @Sendable () -> [MetricFamily] = { [] }
    ) {
        self.collector = collector
        self.mapping = mapping
        self.platformTokenHash = platformToken.map { KeyHasher.sha256Hex($0) }
        self.processFamilies = processFamilies
    }

    /// Adds the routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { request, _ in
            if let denial = platformDenial(request) { return denial }
            await collector.collect()
            let format = PrometheusText.Format(accept: request.headers[.accept])
            let families = collector.store.families(org: nil) + processFamilies()
            return Self.text(PrometheusText.render(families, format: format), type: format.contentType)
        }
        router.get("/telemetry/v1/requests/{requestId}") { request, context in
            if let denial = platformDenial(request, required: true) { return denial }
            await collector.collect()
            return Self.request(id: context.parameters.get("requestId") ?? "", org: nil, store: collector.store)
        }
        let org = router.group("/telemetry/v1/orgs/{org}")
        org.get("metrics") { request, context in
            try await scoped(request, context) { org in
                let format = PrometheusText.Format(accept: request.headers[.accept])
                return Self.text(PrometheusText.render(collector.store.families(org: org), format: format), type: format.contentType)
            }
        }
        org.get("usage") { request, context in
            try await scoped(request, context) { org in try Self.usage(request, org: org, store: collector.store) }
        }
        org.get("requests") { request, context in
            try await scoped(request, context) { org in try Self.requests(request, org: org, store: collector.store) }
        }
        org.get("requests/{requestId}") { request, context in
            try await scoped(request, context) { org in Self.request(id: context.parameters.get("requestId") ?? "", org: org, store: collector.store) }
        }
    }

    /// Authorises a tenant request for the `{org}` of the path, then answers with `body`.
    private func scoped(_ request: Request, _ context: BasicRequestContext, _ body: (String) async throws -> Response) async throws -> Response {
        let org = context.parameters.get("org") ?? ""
        guard let token = Self.bearer(request) else {
            return Self.error(.unauthorized, "token_missing", "Send a telemetry token as 'Authorization: Bearer <token>'.")
        }
        guard let mapping = mapping() else {
            return Self.error(.serviceUnavailable, "mapping_unavailable", "The org mapping is not available yet; retry shortly.")
        }
        let hash = KeyHasher.sha256Hex(token)
        if hash == platformTokenHash {
            guard mapping.orgs.contains(org) else { return Self.error(.notFound, "org_unknown", "No org '\(org)' is configured.") }
        } else if let tokenOrg = mapping.orgByTokenHash[hash] {
            guard tokenOrg == org else { return Self.error(.forbidden, "org_forbidden", "This token reads only its own org's telemetry.") }
        } else {
            return Self.error(.unauthorized, "token_unknown", "The telemetry token is not recognised.")
        }
        await collector.collect()
        guard collector.store.isMappingAvailable else {
            return Self.error(.serviceUnavailable, "mapping_unavailable", "The org mapping is not available yet; retry shortly.")
        }
        return try await body(org)
    }

    /// Nil when the platform token is presented (or none is configured and `required` is false).
    private func platformDenial(_ request: Request, required: Bool = false) -> Response? {
        guard let platformTokenHash else {
            return required ? Self.error(.serviceUnavailable, "admin_token_unset", "Set the admin token environment variable (admin.tokenEnv) to use this endpoint.") : nil
        }
        guard let token = Self.bearer(request) else {
            return Self.error(.unauthorized, "token_missing", "Send the admin token as 'Authorization: Bearer <token>'.")
        }
        return KeyHasher.sha256Hex(token) == platformTokenHash ? nil : Self.error(.unauthorized, "token_unknown", "The admin token is not recognised.")
    }

    static func bearer(_ request: Request) -> Substring? { BearerToken.parse(request.headers) }
}
