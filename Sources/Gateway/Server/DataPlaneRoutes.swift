import GatewayModel
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import Telemetry
import WireJSON

import struct Foundation.Date

/// The OpenAI-compatible endpoints and the gate chains in front of them.
public struct DataPlaneRoutes: Sendable {
    let active: ActiveSnapshot
    let chain: GateChain
    let modelsChain: GateChain
    let upstream: UpstreamGate
    let recorder: any RequestRecorder
    let now: @Sendable () -> Date

    init(
        active: ActiveSnapshot, pool: ProviderPool, metering: Metering, recorder: any RequestRecorder, logger: Logger,
        now: @escaping @Sendable () -> Date
    ) {
        self.active = active
        let recorder = RecorderList([MeteringRecorder(metering: metering, logger: logger), recorder])
        self.chain = Self.makeChain(active: active, metering: metering, now: now)
        self.modelsChain = GateChain(gates: [ReconcileGate(active: active), KeyAuthGate(now: now)])
        self.upstream = UpstreamGate(pool: pool, recorder: recorder, logger: logger)
        self.recorder = recorder
        self.now = now
    }

    /// The chain in front of the upstream, in the order of the gate table; a new gate is a new file and a line here.
    static func makeChain(active: ActiveSnapshot, metering: Metering, now: @escaping @Sendable () -> Date) -> GateChain {
        GateChain(gates: [
            ReconcileGate(active: active),
            PayloadGate(),
            KeyAuthGate(now: now),
            RoutingGate(),
            BudgetGate(metering: metering, now: now),
        ])
    }

    /// Answers one request: the endpoint its method and path name, or 404 / 405 in the OpenAI
    /// error shape. Every answer carries `x-request-id`.
    /// `oversized` says the raw request passed the size limit before its body was complete.
    func respond(to request: Request, requestID: TraceID, oversized: Bool = false) async -> Response {
        var response: Response
        switch (request.method, request.uri.path) {
        case (.post, "/v1/chat/completions"): response = await forward(request, requestID, .chatCompletions, oversized: oversized)
        case (.post, "/v1/embeddings"): response = await forward(request, requestID, .embeddings, oversized: oversized)
        case (.get, "/v1/models"): response = await models(request, requestID)
        case (.get, "/healthz"): response = Self.json(.ok, "{\"status\":\"ok\"}")
        case (.get, "/readyz"):
            if let snapshot = active.snapshot {
                response = Self.json(.ok, "{\"status\":\"ready\",\"configVersion\":\(snapshot.version)}")
            } else {
                response = Self.json(.serviceUnavailable, "{\"status\":\"not ready\",\"reason\":\"no configuration applied yet\"}")
            }
        case (_, let path):
            if let allowed = Self.methods[path] {
                response = Self.error(.methodNotAllowed, code: "invalid_request", message: "\(request.method) is not allowed on \(path); use \(allowed).")
                response.headers[.allow] = allowed.rawValue
            } else {
                response = Self.error(
                    .notFound, code: "unknown_endpoint",
                    message: "No endpoint \(request.method) \(path); the gateway serves /v1/chat/completions, /v1/embeddings and /v1/models.")
            }
        }
        response.headers[.requestID] = requestID.description
        return response
    }

    /// The method each path answers.
    private static let methods: [String: HTTPRequest.Method] = [
        "/v1/chat/completions": .post, "/v1/embeddings": .post, "/v1/models": .get, "/healthz": .get, "/readyz": .get,
    ]

    /// An OpenAI-shaped error that no gate decided.
    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        let body = GateDenial.errorBody(message: message, type: "invalid_request_error", param: nil, code: code, gate: nil)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }

    /// Runs the whole chain for a chat completion or embeddings request.
    private func forward(_ request: Request, _ requestID: TraceID, _ endpoint: Endpoint, oversized: Bool) async -> Response {
        var exchange = Exchange(requestID: requestID, endpoint: endpoint, request: request, started: .now)
        exchange.oversized = oversized
        var trace = RequestTrace(traceID: requestID, startUnixNanos: unixNanos(), operation: endpoint.operation)
        do {
            try await chain.run(&exchange, trace: &trace)
            Self.describe(exchange, into: &trace)
            return try await upstream.respond(exchange, trace: &trace)
        } catch {
            Self.describe(exchange, into: &trace)
            return deny(error, exchange: exchange, trace: &trace)
        }
    }

    /// Lists the models routed for the caller's project.
    private func models(_ request: Request, _ requestID: TraceID) async -> Response {
        var exchange = Exchange(requestID: requestID, endpoint: .models, request: request, started: .now)
        var trace = RequestTrace(traceID: requestID, startUnixNanos: unixNanos(), operation: Endpoint.models.operation)
        do {
            try await modelsChain.run(&exchange, trace: &trace)
        } catch {
            Self.describe(exchange, into: &trace)
            return deny(error, exchange: exchange, trace: &trace)
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
        Self.describe(exchange, into: &trace)
        trace.status = 200
        trace.durationNanos = exchange.started.duration(to: .now).nanoseconds
        recorder.record(trace)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }

    private func deny(_ denial: GateDenial, exchange: Exchange, trace: inout RequestTrace) -> Response {
        trace.status = UInt16(denial.status.code)
        trace.reason = denial.reason
        trace.durationNanos = exchange.started.duration(to: .now).nanoseconds
        recorder.record(trace)
        return denial.response(extra: exchange.responseHeaders)
    }

    private func unixNanos() -> UInt64 {
        UInt64(max(0, now().timeIntervalSince1970 * 1_000_000_000))
    }

    private static func describe(_ exchange: Exchange, into trace: inout RequestTrace) {
        if let grant = exchange.grant {
            trace.keyID = grant.keyID
            trace.projectID = grant.projectID
        }
        if let payload = exchange.payload { trace.requestedModel = payload.model }
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
