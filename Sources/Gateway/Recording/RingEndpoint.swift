import GatewayModel
import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry

/// `GET /internal/telemetry?cursor=N&limit=M`: this gateway's ring, in the compact batch encoding,
/// for remote collectors. Each collector keeps its own cursor; the gateway keeps no reader state.
public enum RingEndpoint {
    /// Adds the endpoint to `router`. With `token` set, callers must present it as a bearer token.
    public static func add<Context: RequestContext>(to router: Router<Context>, ring: TelemetryRing, token: String?) {
        let tokenHash = token.map { KeyHasher.sha256Hex($0) }
        router.get("/internal/telemetry") { request, _ -> Response in
            if let tokenHash {
                guard let presented = BearerToken.parse(request.headers), KeyHasher.sha256Hex(presented) == tokenHash else {
                    return Response(status: .unauthorized, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "admin token required\n")))
                }
            }
            let query = request.uri.queryParameters
            guard let cursor = query["cursor"].map({ UInt64(String($0)) }) ?? 0 else {
                return Response(status: .badRequest, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "cursor must be an unsigned integer\n")))
            }
            let limit = query["limit"].flatMap { Int(String($0)) } ?? 16384
            let batch = ring.read(from: cursor, limit: max(1, min(limit, 65536)))
            return Response(
                status: .ok, headers: [.contentType: TraceBatchCodec.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: TraceBatchCodec.encode(batch))))
        }
    }
}
