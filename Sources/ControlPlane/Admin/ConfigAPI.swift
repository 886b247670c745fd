import Foundation
import GatewayModel
import Hummingbird
import ServiceLifecycle
import WireJSON

/// `/config/v1`: what gateway and collector processes follow, behind the platform token.
///
/// - `GET /config/v1/snapshot[?after=V&wait=30s]`: the current document; with `after`, waits up
///   to `wait` (at most 60 s) for a version other than `V` and answers 304 if none came.
/// - `GET /config/v1/org-mapping[?after=V&wait=30s]`: the project→org mapping for collectors.
/// - `POST /config/v1/spend`: a gateway's settled spend in, every replica's totals out.
public struct ConfigAPI: Sendable {
    let feed: SnapshotFeed
    let token: PlatformToken
    let ledger: (any SpendLedger)?

    /// Creates the API over `feed`, with the spend exchange when `ledger` is given.
    public init(feed: SnapshotFeed, token: PlatformToken, ledger: (any SpendLedger)? = nil) {
        self.feed = feed
        self.token = token
        self.ledger = ledger
    }

    /// Adds the routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        let config = router.group("/config/v1").add(middleware: PlatformTokenMiddleware(token: token))
        config.get("snapshot") { request, _ in
            try await answer(request) { $0.documentJSON }
        }
        config.get("org-mapping") { request, _ in
            try await answer(request) { $0.mappingJSON }
        }
        guard let ledger else { return }
        config.post("spend") { request, _ -> Response in
            let exchange: SpendExchange
            do {
                let body = try await request.body.collect(upTo: 16 << 20)
                exchange = try DocumentCoding.decoder.decode(SpendExchange.self, from: Data(body.readableBytesView))
            } catch {
                return APIResponse.error(ClientError(.badRequest, .invalidBody, "expected {\"entries\": [...], \"since\": ms}: \(error)"))
            }
            do {
                let totals = try await ledger.exchange(exchange.entries, since: exchange.since)
                let entries = totals.map { SpendDelta(key: $0.key, microUSD: $0.value, requests: 0) }
                return APIResponse.json(SpendExchange(entries: entries, since: exchange.since))
            } catch {
                return APIResponse.error(for: error)
            }
        }
    }

    private func answer(_ request: Request, _ body: @Sendable (PublishedSnapshot) -> ByteBuffer) async throws -> Response {
        let query = request.uri.queryParameters
        var after: Int?
        if let text = query["after"] {
            guard let version = Int(String(text)) else { return APIResponse.error(ClientError(.badRequest, .invalidAfter, "after takes a configuration version (an integer).")) }
            after = version
        }
        var wait = Duration.seconds(30)
        if let text = query["wait"] {
            let digits = text.hasSuffix("s") ? text.dropLast() : text[...]
            guard let seconds = Double(String(digits)), seconds >= 0, seconds <= 60 else {
                return APIResponse.error(ClientError(.badRequest, .invalidWait, "wait takes seconds from 0 to 60, e.g. 30s."))
            }
            wait = .milliseconds(Int64(seconds * 1000))
        }
        guard let after else {
            guard let current = feed.current else {
                return APIResponse.error(ClientError(.serviceUnavailable, .configNotLoaded, "The control plane has not loaded its store yet."))
            }
            return APIResponse.json(body(current))
        }
        // A long-poll ends with 304 when the server shuts down, so shutdown never waits for it.
        let timeout = wait
        guard let next = await cancelWhenGracefulShutdown({ await feed.next(after: after, timeout: timeout) }) else {
            return Response(status: .notModified)
        }
        return APIResponse.json(body(next))
    }
}
