import AsyncHTTPClient
import GatewayModel
import NIOCore
import NIOHTTP1

import struct Foundation.Data

/// The spend ledger of a remote control plane, through `POST /config/v1/spend`.
public struct RemoteSpendLedger: SpendLedger {
    let client: HTTPClient
    let url: String
    let token: String?

    /// A ledger at `baseURL` (the control plane's admin URL).
    public init(client: HTTPClient, baseURL: String, token: String?) {
        self.client = client
        self.url = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/config/v1/spend"
        self.token = token
    }

    /// Adds `deltas`, then returns the totals of every period that started at or after `since`.
    public func exchange(_ deltas: [SpendDelta], since: Int64) async throws -> [SpendKey: Int64] {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: try DocumentCoding.encoder.encode(SpendExchange(entries: deltas, since: since))))
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw ControlPlaneResponseError(status: response.status.code, body: String(buffer: body)) }
        let answer = try DocumentCoding.decoder.decode(SpendExchange.self, from: Data(body.readableBytesView))
        return Dictionary(answer.entries.map { ($0.key, $0.microUSD) }, uniquingKeysWith: +)
    }
}
