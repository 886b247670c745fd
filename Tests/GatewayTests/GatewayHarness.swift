import AsyncHTTPClient
import GatewayModel
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Telemetry
import TestSupport

/// The key every test project accepts.
let testKey = "sk-gw-test-0123456789"
/// A key that expired in 2020.
let expiredKey = "sk-gw-expired-0123456789"
/// A key an operator revoked.
let revokedKey = "sk-gw-revoked-0123456789"
/// A key that may only list models.
let modelsOnlyKey = "sk-gw-models-0123456789"

/// Collects the records of finished requests.
final class CapturingRecorder: RequestRecorder {
    private let records = Mutex<[RequestTrace]>([])
    var all: [RequestTrace] { records.withLock { $0 } }
    func record(_ trace: RequestTrace) { records.withLock { $0.append(trace) } }

    /// Waits briefly for a record to arrive (streams record when the relay ends).
    func waitForRecords(_ count: Int) async -> [RequestTrace] {
        // Up to 10 s: it returns as soon as the records are in, and a loaded machine can take seconds.
        for _ in 0..<1000 where all.count < count { try? await Task.sleep(for: .milliseconds(10)) }
        return all
    }
}

/// A response as a test sees it.
struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: String
    func header(_ name: String) -> String? { headers.first(name: name) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
}

/// Builds test configurations: one org `acme`, project `chatbot` with the test keys.
enum TestConfig {
    /// The providers' timeout where a test does not set one: long, because a fake provider answers
    /// from a task, and the tests that run beside it can hold every thread that runs tasks for
    /// seconds; a test of timeouts sets its own.
    static let providerTimeout: Double = 30

    /// The upstream client's connect timeout where a test does not set one: long for the same
    /// reason. A loopback connect completes at once, but its completion runs on an event loop that
    /// the tests beside it can keep busy past a short timeout, which then answers 504.
    static let connectTimeout: Double = 30

    static func provider(_ name: String, url: String, retries: Int = 0, timeout: Double = providerTimeout, firstByte: Double? = nil) -> ProviderConfig {
        ProviderConfig(
            name: name, kind: .openai, baseURL: url, apiKeyEnv: "UPSTREAM_KEY", timeoutSeconds: timeout,
            firstByteTimeoutSeconds: firstByte, maxRetries: retries, retryBackoffMilliseconds: 1)
    }

    static func make(providers: [ProviderConfig], routes: [Route], maxRequestBytes: Int = 1 << 20) -> GatewayConfig {
        let keys = [
            APIKey(id: "ci", sha256: KeyHasher.sha256Hex(testKey)),
            APIKey(id: "old", sha256: KeyHasher.sha256Hex(expiredKey), expiresAt: Date(timeIntervalSince1970: 1_577_836_800)),
            APIKey(id: "gone", sha256: KeyHasher.sha256Hex(revokedKey), revokedAt: Date(timeIntervalSince1970: 1_700_000_000)),
            APIKey(id: "lister", sha256: KeyHasher.sha256Hex(modelsOnlyKey), scopes: [.models]),
        ]
        return GatewayConfig(
            gateway: GatewaySettings(maxRequestBytes: maxRequestBytes),
            providers: providers + [ProviderConfig(name: "mock", kind: .mock)],
            orgs: [
                Org(id: "acme", projects: [Project(id: "chatbot", routes: routes, keys: keys)]),
                Org(
                    id: "other",
                    projects: [
                        Project(
                            id: "research",
                            routes: [Route(model: "private-model", targets: [RouteTarget(provider: "mock", model: "private-model")])],
                            keys: [APIKey(id: "r", sha256: KeyHasher.sha256Hex("sk-gw-other-key"))])
                    ]),
            ])
    }

    /// One route `gpt-4o-mini` to provider `up` (model `upstream-model`), plus `mock-gpt` on the mock.
    static func single(url: String, retries: Int = 0, timeout: Double = providerTimeout, firstByte: Double? = nil, maxRequestBytes: Int = 1 << 20) -> GatewayConfig {
        make(
            providers: [provider("up", url: url, retries: retries, timeout: timeout, firstByte: firstByte)],
            routes: [
                Route(model: "gpt-4o-mini", targets: [RouteTarget(provider: "up", model: "upstream-model")]),
                Route(model: "mock-gpt", targets: [RouteTarget(provider: "mock", model: "mock-gpt")]),
            ],
            maxRequestBytes: maxRequestBytes)
    }
}

/// A gateway running on a free port with a client to call it.
struct GatewayHarness: Sendable {
    let port: Int
    let client: HTTPClient
    let recorder: CapturingRecorder
    let active: ActiveSnapshot
    let metering: Metering
    let connections: ConnectionCounters

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs a gateway on `config` (or on no configuration at all) for the duration of `body`.
    static func run<T: Sendable>(
        _ config: GatewayConfig?,
        now: @escaping @Sendable () -> Date = Date.init,
        limits: ListenerLimits = ListenerLimits(settings: GatewaySettings()),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: @Sendable (GatewayHarness) async throws -> T
    ) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let metering = Metering()
        let upstreamClient = UpstreamClient(connectTimeoutSeconds: TestConfig.connectTimeout)
        let recorder = CapturingRecorder()
        let active = ActiveSnapshot(config.map { SnapshotIndex(version: 1, config: $0) })
        var logger = Logger(label: "gateway-test")
        logger.logLevel = .critical
        let routes = DataPlane.routes(
            active: active, client: upstreamClient, environment: ["UPSTREAM_KEY": "sk-upstream-secret"], metering: metering, recorder: recorder,
            logger: logger, now: now)
        do {
            let connections = ConnectionCounters()
            let result = try await Self.serve(routes: routes, active: active, logger: logger, limits: limits, counters: connections, group: group) { port in
                try await body(
                    GatewayHarness(port: port, client: client, recorder: recorder, active: active, metering: metering, connections: connections))
            }
            try await client.shutdown()
            await upstreamClient.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            await upstreamClient.shutdown()
            throw error
        }
    }

    /// Serves `routes` from a ``DataPlaneServer`` on a free loopback port for the duration of `body`.
    private static func serve<T: Sendable>(
        routes: DataPlaneRoutes, active: ActiveSnapshot, logger: Logger, limits: ListenerLimits, counters: ConnectionCounters,
        group: any EventLoopGroup, _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        let bound = AsyncStream<Int>.makeStream()
        let server = DataPlaneServer(
            routes: routes, active: active, host: "127.0.0.1", port: 0, logger: logger, limits: limits, counters: counters, group: group
        ) { port in
            bound.continuation.yield(port)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            var ports = bound.stream.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            return try await body(port)
        }
    }

    /// Sends a request and collects the whole response.
    func send(
        _ path: String, method: HTTPMethod = .POST, body: String? = nil, key: String? = testKey, headers: [(String, String)] = []
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let key { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// A chat request body for `model`.
    static func chat(_ model: String = "gpt-4o-mini", stream: Bool = false, extra: String = "") -> String {
        "{\"model\":\"\(model)\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]\(stream ? ",\"stream\":true" : "")\(extra)}"
    }
}
