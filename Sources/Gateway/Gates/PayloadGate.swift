import GatewayModel
import HTTPTypes
import NIOCore
import WireJSON

/// Checks the body is at most `gateway.maxRequestBytes` and is a valid request of its endpoint.
///
/// The listener stops reading a body as soon as it passes the limit (or when its Content-Length
/// already does), so an oversized request is refused (413) without the rest being read, and the
/// connection is closed.
struct PayloadGate: Gate {
    var id: GateID { .payload }

    func evaluate(_ configured: Configured) throws(GateDenial) -> Parsed {
        try Self.checkSize(configured)
        let payload = try RequestPayload.parse(configured.arrival.body, for: configured.arrival.endpoint)
        return Parsed(arrival: configured.arrival, snapshot: configured.snapshot, payload: payload)
    }

    /// 413 past `gateway.maxRequestBytes`, by the declared length or the bytes read.
    static func checkSize(_ configured: Configured) throws(GateDenial) {
        let arrival = configured.arrival
        let limit = configured.snapshot.config.gateway.maxRequestBytes
        let overLimit = arrival.oversized || arrival.body.readableBytes > limit
        // The listener does not read a body declared longer than the limit, so it arrives empty:
        // a body with bytes within the limit needs no look at the declared length.
        guard overLimit || arrival.body.readableBytes == 0 else { return }
        if let declared = arrival.head.fields[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw Self.tooLarge(limit: limit, declared: declared)
        }
        if overLimit { throw Self.tooLarge(limit: limit, declared: nil) }
    }

    private static func tooLarge(limit: Int, declared: Int?) -> GateDenial {
        let size = declared.map { "\($0) bytes" } ?? "more than that"
        var denial = GateDenial(
            gate: .payload, status: .contentTooLarge, reason: .payloadTooLarge,
            message: "The request body is \(size); this gateway accepts at most \(limit) bytes (gateway.maxRequestBytes).")
        denial.closesConnection = true
        return denial
    }
}
