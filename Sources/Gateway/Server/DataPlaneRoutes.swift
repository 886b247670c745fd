import ControlPlane
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

import struct Foundation.Date

/// The OpenAI-compatible endpoints and the gate chain in front of them.
struct DataPlaneRoutes: Sendable {
    let active: ActiveSnapshot
    let gates: [any Gate]
    let modelGates: [any Gate]
    let upstream: UpstreamGate
    let recorder: any RequestRecorder

    init(active: ActiveSnapshot, pool: ProviderPool, recorder: any RequestRecorder, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.active = active
        // The chain, in the order of the gate table; a new gate is a new file and a line here.
        self.gates = [
            ReconcileGate(active: active),
            PayloadGate(),
            KeyAuthGate(now: now),
            RoutingGate(),
        ]
        self.modelGates = [ReconcileGate(active: active), KeyAuthGate(now: now)]
        self.upstream = UpstreamGate(pool: pool, recorder: recorder, logger: logger)
        self.recorder = recorder
    }

    func add(to router: Router<GatewayRequestContext>) {
        router.post("/v1/chat/completions") { request, context in await self.forward(request, context, .chatCompletions) }
        router.post("/v1/embeddings") { request, context in await self.forward(request, context, .embeddings) }
        router.get("/v1/models") { request, context in await self.models(request, context) }
        router.get("/healthz") { _, _ in Self.json(.ok, "{\"status\":\"ok\"}") }
        router.get("/readyz") { _, _ in
            if let snapshot = self.active.snapshot {
                return Self.json(.ok, "{\"status\":\"ready\",\"configVersion\":\(snapshot.version)}")
            }
            return Self.json(.serviceUnavailable, "{\"status\":\"not ready\",\"reason\":\"no configuration applied yet\"}")
        }
    }

    /// Runs the whole chain for a chat completion or embeddings request.
    private func forward(_ request: Request, _ context: GatewayRequestContext, _ endpoint: Endpoint) async -> Response {
        var exchange = Exchange(requestID: context.requestID, endpoint: endpoint, request: request, channel: context.channel, started: .now)
        var record = RequestRecord(requestID: context.requestID, path: request.uri.path, status: 0)
        do {
            for gate in gates { try await gate.evaluate(&exchange) }
            Self.describe(exchange, into: &record)
            return try await upstream.respond(exchange, record: &record)
        } catch {
            Self.describe(exchange, into: &record)
            return deny(error, exchange: exchange, record: &record)
        }
    }

    /// Lists the models routed for the caller's project.
    private func models(_ request: Request, _ context: GatewayRequestContext) async -> Response {
        var exchange = Exchange(requestID: context.requestID, endpoint: .models, request: request, channel: context.channel, started: .now)
        var record = RequestRecord(requestID: context.requestID, path: request.uri.path, status: 0)
        do {
            for gate in modelGates { try await gate.evaluate(&exchange) }
        } catch {
            Self.describe(exchange, into: &record)
            return deny(error, exchange: exchange, record: &record)
        }
        let project = exchange.grant!.projectID
        var body = ByteBuffer(string: "{\"object\":\"list\",\"data\":[")
        for (index, model) in exchange.snapshot!.models(project: project).enumerated() {
            if index > 0 { body.writeStaticString(",") }
            body.writeStaticString("{\"id\":")
            JSONString.write(model, to: &body)
            body.writeStaticString(",\"object\":\"model\",\"created\":0,\"owned_by\":")
            JSONString.write(project, to: &body)
            body.writeStaticString("}")
        }
        body.writeStaticString("]}")
        Self.describe(exchange, into: &record)
        record.status = 200
        record.duration = exchange.started.duration(to: .now)
        recorder.record(record)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }

    private func deny(_ denial: GateDenial, exchange: Exchange, record: inout RequestRecord) -> Response {
        record.status = denial.status.code
        record.deniedBy = denial.gate
        record.reason = denial.reason
        record.duration = exchange.started.duration(to: .now)
        recorder.record(record)
        return denial.response(channel: exchange.channel)
    }

    private static func describe(_ exchange: Exchange, into record: inout RequestRecord) {
        record.keyID = exchange.grant?.keyID
        record.projectID = exchange.grant?.projectID
        record.requestedModel = exchange.payload?.model
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
