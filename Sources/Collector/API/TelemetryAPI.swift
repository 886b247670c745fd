import GatewayModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry
import WireJSON

/// The admin listener's telemetry endpoints: platform-wide `/metrics`, and the tenant-scoped
/// `/telemetry/v1/orgs/{org}/...` that an org token may read for its own org only.
public struct TelemetryAPI: Sendable {
    let collector: Collector
    let mapping: @Sendable () -> OrgMapping?
    let platformToken: PlatformToken
    let processFamilies: @Sendable () -> [MetricFamily]
    let orgFamilies: @Sendable () -> [MetricFamily]

    /// Creates the API. `platformToken` is the admin token; when it is unset, `/metrics` is open
    /// and only org tokens reach the tenant endpoints. `processFamilies` adds this process's own
    /// metrics (such as reconcile status) to the platform-wide `/metrics`; `orgFamilies` adds
    /// this process's metrics that carry an `org` label (budgets, rate limits) to `/metrics` and,
    /// each org's series only, to that org's endpoint.
    public init(
        collector: Collector, mapping: @escaping @Sendable () -> OrgMapping?, platformToken: PlatformToken,
        processFamilies: @escaping @Sendable () -> [MetricFamily] = { [] }, orgFamilies: @escaping @Sendable () -> [MetricFamily] = { [] }
    ) {
        self.collector = collector
        self.mapping = mapping
        self.platformToken = platformToken
        self.processFamilies = processFamilies
        self.orgFamilies = orgFamilies
    }

    /// Adds the routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        let platform = PlatformTelemetryMiddleware<BasicRequestContext>(token: platformToken, required: false)
        router.group("/metrics").add(middleware: platform).get { request, _ in
            await collector.collect()
            let format = PrometheusText.Format(accept: request.headers[.accept])
            let families = collector.store.families(org: nil) + processFamilies() + orgFamilies()
            return Self.text(await BlockingWork.run { PrometheusText.render(families, format: format) }, type: format.contentType)
        }
        let platformOnly = PlatformTelemetryMiddleware<BasicRequestContext>(token: platformToken, required: true)
        router.group("/telemetry/v1/requests").add(middleware: platformOnly).get("{requestId}") { request, context in
            await collector.collect()
            return Self.request(id: context.parameters.get("requestId") ?? "", org: nil, store: collector.store)
        }
        let org = router.group("/telemetry/v1/orgs/{org}").add(middleware: OrgTokenMiddleware(platformToken: platformToken, mapping: mapping))
        org.get("metrics") { request, context in
            try await scoped(request, context) { org in
                let format = PrometheusText.Format(accept: request.headers[.accept])
                let families = collector.store.families(org: org) + orgFamilies().compactMap { $0.only(org: org) }
                return Self.text(await BlockingWork.run { PrometheusText.render(families, format: format) }, type: format.contentType)
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

    /// Answers an org's request (the ``OrgTokenMiddleware`` let it through) with `body`, once the
    /// collector is current and has the mapping that tags the records.
    private func scoped(_ request: Request, _ context: BasicRequestContext, _ body: (String) async throws -> Response) async throws -> Response {
        let org = context.parameters.get("org") ?? ""
        await collector.collect()
        guard collector.store.isMappingAvailable else { return Self.error(.mappingUnavailable) }
        return try await body(org)
    }
}
