import GatewayModel
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Telemetry
import WireJSON

/// The `upstream` stage of MCP requests: relays the request to the project's MCP server
/// (Streamable HTTP) with the server's configured headers and never the client's key, and relays
/// the answer (JSON or an SSE stream, as it arrives). It binds a session the server opens to the
/// key, project and server that opened it, forgets it when deleted, and shows a key only the
/// tools it may call in `tools/list` answers.
struct MCPForwarder: Sendable {
    let client: UpstreamClient
    let sessions: MCPSessions
    let environment: [String: String]

    /// Largest answer read whole (a `tools/list`, or any answer that is not a stream).
    static let maxAnswerBytes = 16 << 20
    /// Request headers passed on as the client sent them.
    static let relayedRequestHeaders = ["accept", "mcp-session-id", "mcp-protocol-version", "last-event-id"].map { HTTPField.Name($0)! }
    /// Answer headers passed back.
    static let relayedAnswerHeaders = ["content-type", "mcp-session-id", "cache-control"].map { HTTPField.Name($0)! }

    func respond(_ guarded: MCPGuarded, trace: inout RequestTrace, completion: RequestCompletion) async throws(GateDenial) -> ClientAnswer {
        let routed = guarded.routed
        let caller = routed.caller
        let arrival = caller.base.arrival
        let server = routed.server
        guard let (origin, target) = UpstreamOrigin.parse(server.url) else {
            throw GateDenial(gate: .upstream, status: .serviceUnavailable, reason: .upstreamUnreachable, message: "The MCP server's url is not http or https.")
        }

        var headers = HTTPHeaders()
        headers.add(name: "host", value: origin.hostHeader)
        for name in Self.relayedRequestHeaders {
            if let value = arrival.head.fields[name] { headers.add(name: name.rawName, value: value) }
        }
        if arrival.head.method == .post {
            headers.add(name: "content-type", value: "application/json")
            if !headers.contains(name: "accept") { headers.add(name: "accept", value: "application/json, text/event-stream") }
        }
        headers.add(name: "content-length", value: String(guarded.body.readableBytes))
        headers.add(name: "x-request-id", value: arrival.requestID.description)
        headers.add(name: "traceparent", value: arrival.upstreamTraceContext(of: trace).parent.description)
        for (name, variable) in server.headersEnv.sorted(by: { $0.key < $1.key }) {
            if let value = environment[variable], !value.isEmpty { headers.replaceOrAdd(name: name, value: value) }
        }
        let method: HTTPMethod = arrival.head.method == .get ? .GET : arrival.head.method == .delete ? .DELETE : .POST
        var request = OutgoingHead(method: method.rawValue, target: target, bodyBytes: guarded.body.readableBytes)
        for (name, value) in headers { request.add(name, value) }
        let started = NIODeadline.now()
        let deadline = started + .seconds(clamping: server.timeoutSeconds)
        trace.provider = server.name
        trace.attempts = 1
        let answer: UpstreamConnection.Answer
        do throws(UpstreamFailure) {
            answer = try await client.send(
                to: origin, request: (consume request).wire(body: guarded.body),
                stream: method != .DELETE, maxBytes: Self.maxAnswerBytes, connectTimeout: nil, firstByteDeadline: deadline,
                deadline: deadline)
        } catch {
            let denial =
                if case .timeout = error {
                    GateDenial(gate: .upstream, status: .gatewayTimeout, reason: .upstreamTimeout, message: "The MCP server did not answer in time.")
                } else {
                    GateDenial(gate: .upstream, status: .serviceUnavailable, reason: .upstreamUnreachable, message: "The MCP server could not be reached.")
                }
            trace.append(GateSpan(.upstream, denial.decision, denial.reason, started: started, origin: arrival.started))
            throw denial
        }
        let arrived = NIODeadline.now()
        trace.append(GateSpan(.upstream, .pass, nil, started: started, ended: arrived, origin: arrival.started))
        trace.upstreamNanos = arrived.nanoseconds(since: started)
        trace.timeToFirstTokenNanos = arrived.nanoseconds(since: arrival.started)

        let head: UpstreamHead
        switch answer {
        case .complete(let answerHead, _), .streaming(let answerHead, _): head = answerHead
        }
        let succeeded = (200..<300).contains(head.status.code)
        let owner = MCPSessions.Owner(keyID: caller.grant.keyID, projectID: caller.grant.projectID, server: server.name)
        if succeeded, let session = head.first(name: "mcp-session-id") {
            if caller.base.message?.method == "initialize" { sessions.bind(session, to: owner) }
        }
        if succeeded, method == .DELETE, let session = arrival.head.fields[TenantGuardGate.sessionHeader] { sessions.end(session) }

        var out = HTTPFields()
        for name in Self.relayedAnswerHeaders {
            if let value = head.first(name: name.rawName) { out[name] = value }
        }
        let status = HTTPResponse.Status(code: Int(head.status.code))
        trace.status = UInt16(clamping: head.status.code)
        let filter = caller.base.message?.method == "tools/list" && succeeded ? MCPToolFilter(server: server, grant: caller.grant) : nil
        switch answer {
        case .complete(_, let body):
            trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
            completion.finish(trace)
            let filtered = filter.map { $0.filter(body, eventStream: out[.contentType]?.hasPrefix("text/event-stream") == true) } ?? body
            return ClientAnswer(status: status, headers: out, body: .whole(filtered))
        case .streaming(_, let chunks):
            if let filter {
                var whole = ByteBuffer()
                do {
                    for try await chunk in chunks {
                        guard whole.readableBytes + chunk.readableBytes <= Self.maxAnswerBytes else { throw UpstreamFailure.invalidResponse }
                        whole.writeImmutableBuffer(chunk)
                    }
                } catch {
                    trace.append(GateSpan(.upstream, .error, .upstreamStreamBroken, started: started, origin: arrival.started))
                    throw GateDenial(gate: .upstream, status: .badGateway, reason: .upstreamStreamBroken, message: "The MCP server's answer broke off.")
                }
                trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
                completion.finish(trace)
                out[.contentLength] = nil
                let filtered = filter.filter(whole, eventStream: out[.contentType]?.hasPrefix("text/event-stream") == true)
                return ClientAnswer(status: status, headers: out, body: .whole(filtered))
            }
            let finished = trace
            return ClientAnswer(status: status, headers: out, body: .stream(ResponseBody { writer in
                var trace = finished
                defer {
                    trace.durationNanos = NIODeadline.now().nanoseconds(since: arrival.started)
                    completion.finish(trace)
                }
                var iterator = chunks.makeAsyncIterator()
                while true {
                    let chunk: ByteBuffer?
                    do {
                        chunk = try await iterator.next()
                    } catch {
                        trace.reason = ReasonCode.upstreamStreamBroken.rawValue  // the server broke off: the client sees the stream end
                        break
                    }
                    guard let chunk else { break }
                    try await writer.write(chunk)
                }
                try await writer.finish(nil)
            }))
        }
    }
}
