import Hummingbird
import ServiceLifecycle

/// `/config/v1`: what gateway and collector processes follow, behind the platform token.
///
/// - `GET /config/v1/snapshot[?after=V&wait=30s]`: the current document; with `after`, waits up
///   to `wait` (at most 60 s) for a version other than `V` and answers 304 if none came.
/// - `GET /config/v1/org-mapping[?after=V&wait=30s]`: the project→org mapping for collectors.
public struct ConfigAPI: Sendable {
    let feed: SnapshotFeed
    let token: PlatformToken

    /// Creates the API over `feed`.
    public init(feed: SnapshotFeed, token: PlatformToken) {
        self.feed = feed
        self.token = token
    }

    /// Adds the routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        router.get("/config/v1/snapshot") { request, _ in
            try await answer(request) { $0.documentJSON }
        }
        router.get("/config/v1/org-mapping") { request, _ in
            try await answer(request) { $0.mappingJSON }
        }
    }

    private func answer(_ request: Request, _ body: @Sendable (PublishedConfig) -> ByteBuffer) async throws -> Response {
        if let denial = token.denial(request.headers) { return denial }
        let query = request.uri.queryParameters
        var after: Int?
        if let text = query["after"] {
            guard let version = Int(String(text)) else { return APIResponse.error(.badRequest, "invalid_after", "after takes a configuration version (an integer).") }
            after = version
        }
        var wait = Duration.seconds(30)
        if let text = query["wait"] {
            let digits = text.hasSuffix("s") ? text.dropLast() : text[...]
            guard let seconds = Double(String(digits)), seconds >= 0, seconds <= 60 else {
                return APIResponse.error(.badRequest, "invalid_wait", "wait takes seconds from 0 to 60, e.g. 30s.")
            }
            wait = .milliseconds(Int64(seconds * 1000))
        }
        guard let after else {
            guard let current = feed.current else {
                return APIResponse.error(.serviceUnavailable, "config_not_loaded", "The control plane has not loaded its store yet.")
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
