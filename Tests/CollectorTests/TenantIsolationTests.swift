import AsyncHTTPClient
import Collector
import GatewayModel
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Telemetry
import TestSupport
import Testing

/// Random orgs, projects, keys and traffic; every tenant answer must hold only the asking org's data.
@Suite("Tenant isolation of the telemetry API")
struct TenantIsolationTests {
    struct World {
        var config: GatewayConfig
        var tokens: [String: String] = [:]  // org -> token
        var projects: [String] = []
        var traces: [RequestTrace] = []
        /// Requests sent per org (unknown projects count under `unattributed`).
        var sent: [String: Int] = [:]
        var tokensSent: [String: UInt64] = [:]
    }

    static func makeWorld(seed: UInt64) -> World {
        var random = SplitMix64(seed: seed)
        var orgs: [Org] = []
        var world = World(config: GatewayConfig())
        var orgOfProject: [String: String] = [:]
        for orgIndex in 0..<Int.random(in: 2...4, using: &random) {
            let orgID = "org\(orgIndex)"
            let token = "tt-\(seed)-\(orgIndex)"
            world.tokens[orgID] = token
            var projects: [Project] = []
            for projectIndex in 0..<Int.random(in: 1...3, using: &random) {
                let projectID = "\(orgID)-p\(projectIndex)"
                projects.append(Project(id: projectID, routes: [Route(model: "m\(projectIndex)", targets: [])]))
                world.projects.append(projectID)
                orgOfProject[projectID] = orgID
            }
            orgs.append(Org(id: orgID, projects: projects, telemetryTokenSha256: [KeyHasher.sha256Hex(token)]))
        }
        world.config = GatewayConfig(orgs: orgs)
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        for index in 0..<Int.random(in: 50...300, using: &random) {
            let unknown = Int.random(in: 0..<10, using: &random) == 0
            let project = unknown ? "ghost-project" : world.projects.randomElement(using: &random)!
            var trace = RequestTrace(traceID: TraceID(high: seed, low: UInt64(index)), startUnixNanos: now - UInt64(index) * 1_000_000, operation: "chat")
            trace.projectID = project
            trace.keyID = "k"
            trace.requestedModel = "m0"
            let denied = Bool.random(using: &random)
            trace.append(GateSpan(gate: "key-auth", decision: .pass, startOffsetNanos: 0, durationNanos: 1000))
            trace.append(GateSpan(gate: denied ? "routing" : "upstream", decision: denied ? .deny : .pass, reason: denied ? "model_not_routed" : "", startOffsetNanos: 1000, durationNanos: 2000))
            trace.status = denied ? 404 : 200
            trace.inputTokens = denied ? 0 : UInt32.random(in: 1...500, using: &random)
            trace.durationNanos = 5000
            world.traces.append(trace)
            let org = orgOfProject[project] ?? OrgMapping.unattributed
            world.sent[org, default: 0] += 1
            world.tokensSent[org, default: 0] += UInt64(trace.inputTokens)
        }
        return world
    }

    static func get(_ client: HTTPClient, _ url: String, token: String?) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 16 << 20)))
    }

    /// Sum of `gateway_requests_total` samples in an exposition, by org label.
    static func requestTotals(_ text: String) -> [String: Double] {
        var totals: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("gateway_requests_total{") {
            let org = line.split(separator: "org=\"")[1].prefix { $0 != "\"" }
            totals[String(org), default: 0] += Double(line.split(separator: " ").last!)!
        }
        return totals
    }

    @Test("every org sees exactly its own traffic and nothing of any other org", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func isolation(seed: UInt64) async throws {
        let world = Self.makeWorld(seed: seed)
        let ring = TelemetryRing(capacity: 4096)
        for trace in world.traces { ring.append(trace) }
        let mapping = OrgMapping(config: world.config)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let collector = Collector(sources: [RingSource(ring: ring)], store: TelemetryStore(), mapping: { mapping }, logger: logger)
        let router = Router()
        TelemetryAPI(collector: collector, mapping: { mapping }, platformToken: PlatformToken(token: "platform-secret", env: "GATEWAY_ADMIN_TOKEN")).add(to: router)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = client.shutdown() }
        try await LiveServer.run(router: router) { port in
            let base = "http://127.0.0.1:\(port)"
            let idsByOrg = Dictionary(grouping: world.traces) { mapping.orgByProject[$0.projectID] ?? OrgMapping.unattributed }
            for (org, token) in world.tokens {
                let (status, metrics) = try await Self.get(client, "\(base)/telemetry/v1/orgs/\(org)/metrics", token: token)
                #expect(status == 200)
                let totals = Self.requestTotals(metrics)
                #expect(Set(totals.keys).isSubset(of: [org]), "org \(org) saw series of \(totals.keys)")
                #expect(Int(totals[org] ?? 0) == world.sent[org] ?? 0)
                #expect(!metrics.contains("gateway_telemetry_"), "pipeline series are platform-only")

                let (_, usage) = try await Self.get(client, "\(base)/telemetry/v1/orgs/\(org)/usage?groupBy=project", token: token)
                let usageJSON = try JSONSerialization.jsonObject(with: Data(usage.utf8)) as! [String: Any]
                let total = usageJSON["total"] as! [String: Any]
                #expect(total["requests"] as? Int == world.sent[org] ?? 0)
                #expect(UInt64(total["inputTokens"] as! Int) == world.tokensSent[org] ?? 0)
                for group in usageJSON["groups"] as! [[String: Any]] {
                    #expect(mapping.orgByProject[group["project"] as! String] == org)
                }

                let (_, listed) = try await Self.get(client, "\(base)/telemetry/v1/orgs/\(org)/requests?limit=1000", token: token)
                let requests = (try JSONSerialization.jsonObject(with: Data(listed.utf8)) as! [String: Any])["requests"] as! [[String: Any]]
                #expect(requests.count == world.sent[org] ?? 0)
                #expect(requests.allSatisfy { $0["org"] as? String == org })

                for (otherOrg, traces) in idsByOrg where otherOrg != org {
                    let id = traces[0].traceID.description
                    let (explainStatus, explainBody) = try await Self.get(client, "\(base)/telemetry/v1/orgs/\(org)/requests/\(id)", token: token)
                    #expect(explainStatus == 404)
                    #expect(!explainBody.contains(otherOrg))
                    if otherOrg != OrgMapping.unattributed {
                        let (crossStatus, crossBody) = try await Self.get(client, "\(base)/telemetry/v1/orgs/\(otherOrg)/metrics", token: token)
                        #expect(crossStatus == 403)
                        #expect(!crossBody.contains("gateway_"))
                    }
                }
                if let own = idsByOrg[org]?.first {
                    let (ownStatus, ownBody) = try await Self.get(client, "\(base)/telemetry/v1/orgs/\(org)/requests/\(own.traceID)", token: token)
                    #expect(ownStatus == 200 && ownBody.contains(own.traceID.description))
                }
            }
            let (platformStatus, platform) = try await Self.get(client, "\(base)/metrics", token: "platform-secret")
            #expect(platformStatus == 200)
            let platformTotals = Self.requestTotals(platform)
            for (org, count) in world.sent { #expect(Int(platformTotals[org] ?? 0) == count) }
            #expect(platform.contains("gateway_telemetry_records_unattributed_total{source=\"local\"} \(world.sent[OrgMapping.unattributed] ?? 0)"))
        }
    }

    @Test("missing or unknown tokens get 401; an org token on a nonexistent org gets 403; the platform token gets 404 there")
    func authorization() async throws {
        let world = Self.makeWorld(seed: 9)
        let mapping = OrgMapping(config: world.config)
        let collector = Collector(sources: [], store: TelemetryStore(), mapping: { mapping }, logger: Logger(label: "test"))
        let router = Router()
        TelemetryAPI(collector: collector, mapping: { mapping }, platformToken: PlatformToken(token: "platform-secret", env: "GATEWAY_ADMIN_TOKEN")).add(to: router)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = client.shutdown() }
        try await LiveServer.run(router: router) { port in
            let url = "http://127.0.0.1:\(port)/telemetry/v1/orgs/org0/metrics"
            let status1 = try await Self.get(client, url, token: nil).0
            #expect(status1 == 401)
            let status2 = try await Self.get(client, url, token: "guess").0
            #expect(status2 == 401)
            let org1 = world.tokens["org1"]!
            let status3 = try await Self.get(client, "http://127.0.0.1:\(port)/telemetry/v1/orgs/nope/metrics", token: org1).0
            #expect(status3 == 403)
            let status4 = try await Self.get(client, "http://127.0.0.1:\(port)/telemetry/v1/orgs/nope/metrics", token: "platform-secret").0
            #expect(status4 == 404)
            let status5 = try await Self.get(client, "http://127.0.0.1:\(port)/metrics", token: nil).0
            #expect(status5 == 401)
            let status6 = try await Self.get(client, "http://127.0.0.1:\(port)/metrics", token: org1).0
            #expect(status6 == 401)
        }
    }

    @Test("while the org mapping is unavailable tenant queries answer 503 and nothing is tagged by guess")
    func mappingUnavailable() async throws {
        let world = Self.makeWorld(seed: 11)
        let mapping = OrgMapping(config: world.config)
        let available = MappingSwitch()
        let ring = TelemetryRing(capacity: 1024)
        for trace in world.traces { ring.append(trace) }
        let collector = Collector(sources: [RingSource(ring: ring)], store: TelemetryStore(), mapping: { available.on ? mapping : nil }, logger: Logger(label: "test"))
        let router = Router()
        TelemetryAPI(collector: collector, mapping: { available.on ? mapping : nil }, platformToken: PlatformToken(token: nil, env: "GATEWAY_ADMIN_TOKEN")).add(to: router)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = client.shutdown() }
        try await LiveServer.run(router: router) { port in
            let url = "http://127.0.0.1:\(port)/telemetry/v1/orgs/org0/requests?limit=1000"
            let token = world.tokens["org0"]!
            let status7 = try await Self.get(client, url, token: token).0
            #expect(status7 == 503)
            #expect(collector.store.requests(org: "org0").isEmpty)
            available.on = true
            let (status, body) = try await Self.get(client, url, token: token)
            #expect(status == 200)
            let requests = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any])["requests"] as! [[String: Any]]
            #expect(requests.count == world.sent["org0"] ?? 0)
        }
    }
}

/// A thread-safe flag for switching the mapping on.
final class MappingSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var on: Bool {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
