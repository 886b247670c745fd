import GatewayModel
import HTTPTypes
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

    /// Answers one request from `loop` (its connection's): the endpoint its method and path name,
    /// or 404 / 405 in the OpenAI error shape, and calls `reply` on `loop` once with the answer.
    /// Every answer carries `x-request-id`. `oversized` says the raw request passed the size limit
    /// before its body was complete; `call` stops the request's upstream work when the client goes away,
    /// and `keyMemo` is the connection's memo of its last key.
    func respond(
        to head: RequestHead, body: ByteBuffer, requestID: TraceID, oversized: Bool = false, on loop: any EventLoop, call: UpstreamCall,
        keyMemo: KeyDigestMemo, reply: @escaping (DataPlaneAnswer) -> Void
    ) {
        let path = Self.path(of: head)
        func arrival(_ endpoint: Endpoint) -> Arrival {
            Arrival(generatedID: requestID, endpoint: endpoint, head: head, body: body, started: .now(), oversized: oversized, keyMemo: keyMemo)
        }
        switch (head.method, path) {
        case (.post, "/v1/chat/completions"):
            forward(arrival(.chatCompletions), on: loop, call: call, reply: reply)
        case (.post, "/v1/messages"):
            forward(arrival(.messages), on: loop, call: call) { answered in
                var answered = answered
                answered.answer.headers[.anthropicRequestID] = answered.requestID.description
                reply(answered)
            }
        case (.post, "/v1/embeddings"):
            forward(arrival(.embeddings), on: loop, call: call, reply: reply)
        case (.get, "/v1/models"):
            let models = arrival(.models)
            reply(DataPlaneAnswer(answer: self.models(models), requestID: models.requestID, headroom: nil))
        case (let method, let path) where path.hasPrefix("/mcp/") && [.post, .get, .delete].contains(method):
            let mcp = arrival(.mcp)
            call.run(on: loop, { await self.mcp(mcp) }) { answer in
                reply(DataPlaneAnswer(answer: answer, requestID: mcp.requestID, headroom: nil))
            }
        default:
            reply(DataPlaneAnswer(answer: answer(head.method, path), requestID: requestID, headroom: nil))
        }
    }

    /// The answer to a request that no gate chain serves: health, readiness, 405 and 404.
    private func answer(_ method: HTTPRequest.Method, _ path: Substring) -> ClientAnswer {
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
    private static func path(of head: RequestHead) -> Substring {
        var target = head.path ?? ""
        // Searched as contiguous bytes: `firstIndex(of:)` on the UTF-8 view steps a string index
        // at a time, several times the cost.
        guard let query = target.withUTF8({ $0.firstIndex(of: UInt8(ascii: "?")) }) else { return target[...] }
        return target[..<target.utf8.index(target.startIndex, offsetBy: query)]
    }

    /// The method each path answers.
    private static let methods: [String: HTTPRequest.Method] = [
        "/v1/chat/completions": .post, "/v1/messages": .post, "/v1/embeddings": .post, "/v1/models": .get, "/healthz": .get, "/readyz": .get,
    ]

    /// An OpenAI-shaped error that no gate decided.
    static func error(_ error: ClientError) -> ClientAnswer {
        ClientAnswer(status: error.status, headers: error.headers, body: .whole(error.body))
    }

    /// Runs the gates and the upstream stage for a chat completion, Messages or embeddings request;
    /// the headroom of an admitted request goes with every answer to it, whatever happens upstream.
    private func forward(_ arrival: Arrival, on loop: any EventLoop, call: UpstreamCall, reply: @escaping (DataPlaneAnswer) -> Void) {
        var trace = arrival.startTrace(unixNanos: unixNanos())
        let admitted: Admitted
        do {
            admitted = try admission.run(arrival, trace: &trace)
        } catch {
            let denied = deny(error, arrival: arrival, trace: &trace, completion: RequestCompletion(reservation: nil, recorder: recorder))
            return reply(DataPlaneAnswer(answer: denied, requestID: arrival.requestID, headroom: nil))
        }
        let completion = RequestCompletion(reservation: admitted.reservation, recorder: recorder)
        let headroom = admitted.headroom
        forwarder.start(admitted, trace: consume trace, completion: completion, on: loop, call: call) { [self] result, trace in
            switch result {
            case .success(let answer):
                reply(DataPlaneAnswer(answer: answer, requestID: arrival.requestID, headroom: headroom))
            case .failure(let denial):
                let denied = deny(denial, arrival: arrival, trace: &trace, completion: completion)
                reply(DataPlaneAnswer(answer: denied, requestID: arrival.requestID, headroom: headroom))
            }
        }
    }

    /// Relays an MCP request to its project's server after the MCP gates. A `tools/call` of a tool
    /// the key may not call is answered as a JSON-RPC error, which MCP clients surface as an
    /// error of that call; every other denial is an HTTP error.
    private func mcp(_ arrival: Arrival) async -> ClientAnswer {
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
    private func models(_ arrival: Arrival) -> ClientAnswer {
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
        return ClientAnswer(status: .ok, headers: [.contentType: "application/json"], body: .whole(body))
    }

    /// Finishes the trace of a denied request and answers with the denial. Out of line: an MCP
    /// request's task calls it too, and its copies of the trace stay off that task's frame.
    @inline(never)
    private func deny(_ denial: GateDenial, arrival: Arrival, trace: inout RequestTrace, completion: RequestCompletion) -> ClientAnswer {
        trace.status = UInt16(denial.status.code)
        trace.reason = denial.reason.rawValue
        trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
        completion.finish(trace)
        return denial.response(messages: arrival.endpoint.speaksMessages)
    }

    private func unixNanos() -> UInt64 {
        UInt64(max(0, now().timeIntervalSince1970 * 1_000_000_000))
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> ClientAnswer {
        ClientAnswer(status: status, headers: [.contentType: "application/json"], body: .whole(ByteBuffer(string: text)))
    }
}
