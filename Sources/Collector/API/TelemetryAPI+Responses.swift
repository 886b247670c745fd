import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import GatewayModel
import Telemetry
import WireJSON

extension TelemetryAPI {
    static func usage(_ request: Request, org: String, store: TelemetryStore) throws -> Response {
        let query = request.uri.queryParameters
        let now = Int64(Date().timeIntervalSince1970)
        guard let from = try time(query["from"].map(String.init), default: now - 3600),
            let to = try time(query["to"].map(String.init), default: now)
        else { return error(ClientError(.badRequest, .invalidTime, "from and to take RFC 3339 times or Unix seconds.")) }
        let groupBy = (query["groupBy"].map(String.init) ?? "project,model").split(separator: ",").map(String.init)
        if let unknown = groupBy.first(where: { !["project", "model"].contains($0) }) {
            return error(ClientError(.badRequest, .invalidGroup, "groupBy takes project and model, not '\(unknown)'."))
        }
        let rows = store.usage(org: org, from: from, to: to, groupBy: groupBy)
        var total = UsageCounts()
        for row in rows { total.add(row.counts) }
        return json(UsageView(org: org, from: from, to: to, groupBy: groupBy, groups: rows.map(UsageView.Group.init), total: .init(total)))
    }

    static func requests(_ request: Request, org: String, store: TelemetryStore) throws -> Response {
        let query = request.uri.queryParameters
        var decision: Decision?
        if let text = query["decision"].map(String.init) {
            guard let parsed = Decision.allCases.first(where: { $0.description == text }) else {
                return error(ClientError(.badRequest, .invalidDecision, "decision takes pass, deny or error."))
            }
            decision = parsed
        }
        let limit = min(1000, query["limit"].flatMap { Int(String($0)) } ?? 50)
        let traces = store.requests(org: org, gate: query["gate"].map(String.init), decision: decision, limit: limit)
        return json(["requests": traces.map(RequestView.init)])
    }

    static func request(id: String, org: String?, store: TelemetryStore) -> Response {
        guard let traceID = TraceID(hex: id), let found = store.request(id: traceID, org: org) else {
            return error(ClientError(.notFound, .requestUnknown, "No recent request '\(id)' is known here (traces are kept for the most recent requests only)."))
        }
        return json(RequestView(found))
    }

    static func time(_ text: String?, default value: Int64) throws -> Int64? {
        guard let text else { return value }
        if let seconds = Int64(text) { return seconds }
        return ISO8601DateFormatter().date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `error` in the OpenAI shape.
    static func error(_ error: ClientError) -> Response {
        Response(status: error.status, headers: error.headers, body: .init(byteBuffer: error.body))
    }

}

extension ClientError {
    /// The 503 of a collector that has no org mapping yet.
    static let mappingUnavailable = ClientError(.serviceUnavailable, .mappingUnavailable, "The org mapping is not available yet; retry shortly.")
}

/// The JSON form of a usage answer.
struct UsageView: Encodable {
    struct Counts: Encodable {
        let requests: UInt64, inputTokens: UInt64, cachedInputTokens: UInt64, outputTokens: UInt64
        let costMicroUSD: Int64, costUSD: String, unpricedRequests: UInt64
        init(_ counts: UsageCounts) {
            costMicroUSD = counts.costMicroUSD
            costUSD = MicroUSD.format(counts.costMicroUSD)
            unpricedRequests = counts.unpricedRequests
            requests = counts.requests
            inputTokens = counts.inputTokens
            cachedInputTokens = counts.cachedInputTokens
            outputTokens = counts.outputTokens
        }
    }
    struct Group: Encodable {
        let project: String?, model: String?, usage: Counts
        init(_ row: UsageRow) {
            project = row.group["project"]
            model = row.group["model"]
            usage = Counts(row.counts)
        }
    }
    let org: String, from: Int64, to: Int64, groupBy: [String], groups: [Group], total: Counts
}
