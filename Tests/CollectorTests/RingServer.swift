import Hummingbird
import NIOCore
import Telemetry

/// A remote gateway as the collector sees it: a ring served over `GET /internal/telemetry` in the
/// batch encoding, behind a bearer token. Written from the wire contract, not the gateway's code,
/// so the collector's tests do not link the data plane.
enum RingServer {
    /// A router serving `ring` to callers that send `Authorization: Bearer <token>`.
    static func router(ring: TelemetryRing, token: String) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/internal/telemetry") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(token)" else { return Response(status: .unauthorized) }
            let cursor = request.uri.queryParameters["cursor"].flatMap { UInt64(String($0)) } ?? 0
            let limit = request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 1024
            let batch = ring.read(from: cursor, limit: limit)
            return Response(
                status: .ok, headers: [.contentType: TraceBatchCodec.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: TraceBatchCodec.encode(batch))))
        }
        return router
    }
}
