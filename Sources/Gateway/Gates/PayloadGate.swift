import GatewayModel
import HTTPTypes
import HummingbirdCore
import NIOCore

/// Reads the body up to `gateway.maxRequestBytes` and checks it is a valid request.
///
/// An oversized body is refused (413) from its Content-Length before any of it is read, or as soon
/// as the streamed bytes pass the limit; the rest is never read and the connection is closed.
struct PayloadGate: Gate {
    var id: GateID { .payload }

    func evaluate(_ exchange: inout Exchange) async throws(GateDenial) {
        let limit = exchange.snapshot!.config.gateway.maxRequestBytes
        if let declared = exchange.request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw Self.tooLarge(limit: limit, declared: declared)
        }
        if exchange.oversized { throw Self.tooLarge(limit: limit, declared: nil) }
        var collected: ByteBuffer?
        do {
            for try await chunk in exchange.request.body {
                let size = (collected?.readableBytes ?? 0) + chunk.readableBytes
                if size > limit { throw Self.tooLarge(limit: limit, declared: nil) }
                if collected == nil { collected = chunk } else { collected!.writeImmutableBuffer(chunk) }
            }
        } catch let denial as GateDenial {
            throw denial
        } catch {
            throw GateDenial(
                gate: .payload, status: .badRequest, reason: "body_unreadable",
                message: "The request body could not be read completely; resend the request.")
        }
        exchange.payload = try RequestPayload.parse(collected ?? ByteBuffer(), for: exchange.endpoint)
    }

    private static func tooLarge(limit: Int, declared: Int?) -> GateDenial {
        let size = declared.map { "\($0) bytes" } ?? "more than that"
        var denial = GateDenial(
            gate: .payload, status: .contentTooLarge, reason: "payload_too_large",
            message: "The request body is \(size); this gateway accepts at most \(limit) bytes (gateway.maxRequestBytes).")
        denial.closesConnection = true
        return denial
    }
}
