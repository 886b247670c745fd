import AsyncHTTPClient
import GatewayModel
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

import struct Foundation.Data
import struct Foundation.Date

/// Follows a remote control plane: long-polls `path?after=V&wait=30s`, applies each new document,
/// and fetches the whole document every `resyncSeconds` as a backstop. While the control plane is
/// unreachable the last applied document stays in force.
public struct SnapshotFollower<Document: VersionedDocument, C: Clock<Duration>>: Service {
    let client: HTTPClient
    let url: String
    let token: String?
    let resyncSeconds: Double
    let status: ReconcileStatus
    let apply: @Sendable (Document) -> Void
    let clock: C
    let logger: Logger

    /// Creates a follower of `baseURL + path` (e.g. `/config/v1/snapshot`); `clock` times the
    /// resyncs and the backoff after a failure.
    public init(
        client: HTTPClient, baseURL: String, path: String, token: String?, resyncSeconds: Double, status: ReconcileStatus, clock: C,
        logger: Logger, apply: @escaping @Sendable (Document) -> Void
    ) {
        self.clock = clock
        self.client = client
        self.url = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + path
        self.token = token
        self.resyncSeconds = resyncSeconds
        self.status = status
        self.apply = apply
        self.logger = logger
    }

    /// Runs until cancelled or shut down gracefully.
    public func run() async throws {
        var version: Int?
        var lastFull = clock.now
        var backoff = Duration.milliseconds(200)
        var failing = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let resync = version != nil && lastFull.duration(to: clock.now) >= .seconds(resyncSeconds)
            let after = resync ? nil : version
            let waitSeconds = max(1, min(30, Int(resyncSeconds)))
            do {
                let document = try await cancelOnShutdown { try await fetch(after: after, waitSeconds: waitSeconds) }
                if after == nil { lastFull = clock.now }
                if let document, document.version != version {
                    apply(document)
                    logger.info("configuration applied", metadata: ["version": "\(document.version)", "from": "\(url)"])
                    version = document.version
                }
                if let version { status.succeeded(version: version) }
                if failing { logger.notice("control plane reachable again", metadata: ["url": "\(url)"]) }
                failing = false
                backoff = .milliseconds(200)
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                status.failed()
                if !failing {
                    logger.warning(
                        "control plane unreachable; keeping the configuration in force",
                        metadata: ["url": "\(url)", "error": "\(error)", "version": "\(version.map(String.init) ?? "none")"])
                }
                failing = true
                let pause = backoff
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: pause) }
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func cancelOnShutdown<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await cancelWhenGracefulShutdown(body)
    }

    /// One request: the document, or nil when the long-poll ended with no newer version.
    private func fetch(after: Int?, waitSeconds: Int) async throws -> Document? {
        var request = HTTPClientRequest(url: after.map { "\(url)?after=\($0)&wait=\(waitSeconds)s" } ?? url)
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(Int64(waitSeconds) + 10))
        let body = try await response.body.collect(upTo: 256 << 20)
        switch response.status {
        case .ok: return try DocumentCoding.decoder.decode(Document.self, from: Data(body.readableBytesView))
        case .notModified: return nil
        default: throw ControlPlaneResponseError(status: response.status.code, body: String(buffer: body))
        }
    }
}

extension SnapshotFollower where C == ContinuousClock {
    /// Creates a follower on the continuous clock.
    public init(
        client: HTTPClient, baseURL: String, path: String, token: String?, resyncSeconds: Double, status: ReconcileStatus, logger: Logger,
        apply: @escaping @Sendable (Document) -> Void
    ) {
        self.init(
            client: client, baseURL: baseURL, path: path, token: token, resyncSeconds: resyncSeconds, status: status, clock: ContinuousClock(),
            logger: logger, apply: apply)
    }
}
