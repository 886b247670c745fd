import GatewayModel
import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry
import WireJSON

/// `GET /internal/telemetry?cursor=N&limit=M`: this gateway's ring, in the compact batch encoding,
/// for remote collectors. Each collector keeps its own cursor; the gateway keeps no reader state.
public enum RingEndpoint {
    /// Adds the endpoint to `router`. With `token` set, callers must present it as a bearer token.
    public static func add<Context: RequestContext>(to router: Router<Context>, ring: TelemetryRing, token: PlatformToken) {
        router.get("/internal/telemetry") { request, _ -> Response in
            if let refusal = token.refusal(request.headers, openWhenUnset: true) { return error(refusal) }
            let query = request.uri.queryParameters
            guard let cursor = query["cursor"].map({ UInt64(String($0)) }) ?? 0 else {
                return error(ClientError(.badRequest, .invalidRequest, "cursor must be an unsigned integer."))
            }
            let limit = query["limit"].flatMap { Int(String($0)) } ?? 16384
            let batch = ring.read(from: cursor, limit: max(1, min(limit, 65536)))
            return Response(
                status: .ok, headers: [.contentType: TraceBatchCodec.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: TraceBatchCodec.encode(batch))))
        }
    }

    /// A refusal in the OpenAI error shape.
    private static func error(_ error: ClientError) -> Response {
        Response(status: error.status, headers: error.headers, body: .init(byteBuffer: error.body))
    }
}
