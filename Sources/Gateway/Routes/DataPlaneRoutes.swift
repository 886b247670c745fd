import GatewayModel
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import Telemetry
import WireJSON

import struct Foundation.Date

/// The OpenAI-compatible endpoints and the gate chains in front of them.
public final class DataPlaneRoutes: Sendable {
    let active: ActiveSnapshot
    let admission: AdmissionChain
    let modelsReconcile: ReconcileGate
    let modelsKeyAuth: KeyAuthGate<Configured>
    let forwarder: Forwarder
    let mcpAdmission: MCPAdmissionChain
    let mcpForwarder: MCPForwarder
    let recorder: any RequestRecorder
    let now: @Sendable () -> Date

    init(
        active: ActiveSnapshot, pool: ProviderPool, mcp: MCPForwarder, metering: Metering, recorder: any RequestRecorder, logger: Logger,
        now: @escaping @Sendable () -> Date
    ) {
        self.mcpAdmission = MCPAdmissionChain(active: active, sessions: mcp.sessions, metering: metering, now: now)
        self.mcpForwarder = mcp
        self.active = active
        self.admission = AdmissionChain(active: active, metering: metering, now: now)
        self.modelsReconcile = ReconcileGate(active: active)
        self.modelsKeyAuth = KeyAuthGate(now: now)
        self.forwarder = Forwarder(pool: pool, logger: logger)
        self.recorder = RecorderList([UnpricedModelRecorder(logger: logger), recorder])
        self.now = now
    }

    /// Answers one request: the endpoint its method and path name, or 404 / 405 in the OpenAI
    /// error shape. Every answer carries `x-request-id`.
    /// `oversized` says the raw request passed the size limit before its body was complete.
    func respond(to head: HTTPRequest, body: ByteBuffer, requestID: TraceID, oversized: Bool = false) async -> DataPlaneAnswer {
        var response: Response
        var traced = requestID
        var headroom: Metering.Headroom?
        let path = Self.path(of: head)
        func arrival(_ endpoint: Endpoint) -> Arrival {
            Arrival(generatedID: requestID, endpoint: endpoint, head: head, body: body, started: .now(), oversized: oversized)
        }
        switch (head.method, path) {
        case (.post, "/v1/chat/completions"):
            let chat = arrival(.chatCompletions)
            traced = chat.requestID
            (response, headroom) = await forward(chat)
        case (.post, "/v1/messages"):
            let messages = arrival(.messages)
            traced = messages.requestID
            (response, headroom) = await forward(messages)
            response.headers[.anthropicRequestID] = messages.requestID.description
        case (.post, "/v1/embeddings"):
            let embeddings = arrival(.embeddings)
            traced = embeddings.requestID
            (response, headroom) = await forward(embeddings)
        case (.get, "/v1/models"):
            let models = arrival(.models)
            traced = models.requestID
            response = await self.models(models)
        case (let method, let path) where path.hasPrefix("/mcp/") && [.post, .get, .delete].contains(method):
            let mcp = arrival(.mcp)
            traced = mcp.requestID
            response = await self.mcp(mcp)
        default:
            response = answer(head.method, path)
        }
        return DataPlaneAnswer(response: response, requestID: traced, headroom: headroom)
    }

    /// The answer to a request that no gate chain serves: health, readiness, 405 and 404. Out of
    /// line, so that its texts are built on the thread's stack, not in every request task's frame.
    @inline(never)
    private func answer(_ method: HTTPRequest.Method, _ path: Substring) -> Response {
        switch (method, path) {
        case (.get, "/healthz"):
            return Self.json(.ok, "{\"status\":\"ok\"}")
        case (.get, "/readyz"):
            guard let snapshot = active.snapshot else {
                return Self.json(.serviceUnavailable, "{\"status\":\"not ready\",\"reason\":\"no configuration applied yet\"}")
            }
            return Self.json(.ok, "{\"status\":\"ready\",\"configVersion\":\(snapshot.version)}")
        case (_, let path) where path.hasPrefix("/mcp/"):
            var response = Self.error(ClientError(.methodNotAllowed, .invalidRequest, "\(method) is not allowed on \(path); use POST, GET or DELETE."))
            response.headers[.allow] = "POST, GET, DELETE"
            return response
        case (_, let path):
            if let allowed = Self.methods[String(path)] {
                var response = Self.error(ClientError(.methodNotAllowed, .invalidRequest, "\(method) is not allowed on \(path); use \(allowed)."))
                response.headers[.allow] = allowed.rawValue
                return response
            }
            return Self.error(
                ClientError(
                    .notFound, .unknownEndpoint,
                    "No endpoint \(method) \(path); the gateway serves /v1/chat/completions, /v1/messages, /v1/embeddings and /v1/models."))
        }
    }

    /// The path of the request target, without its query.
    private static func path(of head: HTTPRequest) -> Substring {
        let target = head.path ?? ""
        return target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
    }

    /// The method each path answers.
    private static let methods: [String: HTTPRequest.Method] = [
        "/v1/chat/completions": .post, "/v1/messages": .post, "/v1/embeddings": .post, "/v1/models": .get, "/healthz": .get, "/readyz": .get,
    ]

    /// An OpenAI-shaped error that no gate decided.
    static func error(_ error: ClientError) -> Response {
        Response(status: error.status, headers: error.headers, body: ResponseBody(byteBuffer: error.body))
    }

    /// Runs the gates and the upstream stage for a chat completion or embeddings request; the
    /// headroom of an admitted request goes with every answer to it, whatever happens upstream.
    private func forward(_ arrival: Arrival) async -> (Response, Metering.Headroom?) {
        var trace = arrival.startTrace(unixNanos: unixNanos())
        let admitted: Admitted
        do {
            admitted = try admission.run(arrival, trace: &trace)
        } catch {
            return (deny(error, arrival: arrival, trace: &trace, completion: RequestCompletion(reservation: nil, recorder: recorder)), nil)
        }
        let completion = RequestCompletion(reservation: admitted.reservation, recorder: recorder)
        do {
            return (try await forwarder.respond(admitted, trace: &trace, completion: completion), admitted.headroom)
        } catch {
            return (deny(error, arrival: arrival, trace: &trace, completion: completion), admitted.headroom)
        }
    }

    /// Relays an MCP request to its project's server after the MCP gates. A `tools/call` of a tool
    /// the key may not call is answered as a JSON-RPC error, which MCP clients surface as an
    /// error of that call; every other denial is an HTTP error.
    private func mcp(_ arrival: Arrival) async -> Response {
        var trace = arrival.startTrace(unixNanos: unixNanos())
        var completion = RequestCompletion(reservation: nil, recorder: recorder)
        do throws(GateDenial) {
            let admitted = try mcpAdmission.run(arrival, trace: &trace)
            completion = RequestCompletion(reservation: admitted.reservation, recorder: recorder)
            return try await mcpForwarder.respond(admitted.guarded, trace: &trace, completion: completion)
        } catch {
            if MCPRefusal.refusesOneCall(error), let id = MCPRefusal.id(of: arrival) {
                trace.reason = error.reason.rawValue
                trace.status = 200
                trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
                completion.finish(trace)
                return MCPRefusal.response(id: id, denial: error)
            }
            return deny(error, arrival: arrival, trace: &trace, completion: completion)
        }
    }

    /// Lists the models routed for the caller's project.
    private func models(_ arrival: Arrival) async -> Response {
        var trace = arrival.startTrace(unixNanos: unixNanos())
        let caller: Authenticated<Configured>
        var clock = arrival.started
        do {
            let configured = try modelsReconcile.run(arrival, trace: &trace, origin: arrival.started, clock: &clock)
            caller = try modelsKeyAuth.run(configured, trace: &trace, origin: arrival.started, clock: &clock)
        } catch {
            if let grant = error.caller { trace.attribute(to: grant) }
            return deny(error, arrival: arrival, trace: &trace, completion: RequestCompletion(reservation: nil, recorder: recorder))
        }
        trace.attribute(to: caller.grant)
        let project = caller.grant.projectID
        var body = ByteBuffer(string: "{\"object\":\"list\",\"data\":[")
        for (index, model) in caller.base.snapshot.models(project: project).enumerated() {
            if index > 0 { body.writeStaticString(",") }
            body.writeStaticString("{\"id\":")
            JSONString.write(model, to: &body)
            body.writeStaticString(",\"object\":\"model\",\"created\":0,\"owned_by\":")
            JSONString.write(project, to: &body)
            body.writeStaticString("}")
        }
        body.writeStaticString("]}")
        trace.status = 200
        trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
        recorder.record(trace)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }

    /// Finishes the trace of a denied request and answers with the denial. Out of line, like
    /// ``answer(_:_:)``.
    @inline(never)
    private func deny(_ denial: GateDenial, arrival: Arrival, trace: inout RequestTrace, completion: RequestCompletion) -> Response {
        trace.status = UInt16(denial.status.code)
        trace.reason = denial.reason.rawValue
        trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
        completion.finish(trace)
        return denial.response(messages: arrival.endpoint.speaksMessages)
    }

    private func unixNanos() -> UInt64 {
        UInt64(max(0, now().timeIntervalSince1970 * 1_000_000_000))
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
