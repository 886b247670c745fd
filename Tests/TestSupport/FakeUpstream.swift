import Hummingbird
import HTTPTypes
import NIOCore
import Synchronization

/// An OpenAI-compatible upstream started inside a test on a free loopback port, answering each
/// request with the next scripted ``Behavior`` and remembering what it received.
public final class FakeUpstream: Sendable {
    /// How the upstream answers one request.
    public indirect enum Behavior: Sendable {
        /// A JSON body with a status, and a `retry-after` header when given.
        case json(status: Int, body: String, retryAfter: String? = nil)
        /// SSE events (`data:` lines are added); waits for `hold` (if given) after `holdAfter` events.
        case stream(events: [String], holdAfter: Int = 0, hold: TestSignal? = nil)
        /// An endless slow stream; fires `disconnected` once writing to the client fails.
        case endlessStream(disconnected: TestSignal)
        /// Waits before answering with the next behavior.
        case delayed(Duration, Behavior)
        /// Waits for the signal before answering with the next behavior.
        case held(TestSignal, Behavior)
        /// Sends one event, then breaks the connection mid-stream.
        case brokenStream(firstEvent: String)
        /// Sends `text` as an SSE stream exactly as given (`event:` lines and all), in pieces of at most `piece` bytes.
        case rawStream(String, piece: Int = 64)
    }

    /// A request as the upstream received it.
    public struct Received: Sendable {
        public var path: String
        /// The query, without its `?`.
        public var query: String
        public var headers: HTTPFields
        public var body: String
    }

    private let script: Mutex<[Behavior]>
    private let log = Mutex<[Received]>([])

    /// Creates an upstream that answers requests with `script` in order, repeating the last entry.
    public init(_ script: [Behavior]) { self.script = Mutex(script) }

    /// Requests received so far.
    public var received: [Received] { log.withLock { $0 } }

    /// A standard chat completion body with usage.
    public static func completion(model: String = "upstream-model", content: String = "Hello from upstream", prompt: Int = 12, completion: Int = 5, cached: Int = 0) -> String {
        """
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"\(model)","choices":[{"index":0,"message":{"role":"assistant","content":"\(content)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":\(prompt),"completion_tokens":\(completion),"total_tokens":\(prompt + completion),"prompt_tokens_details":{"cached_tokens":\(cached)}}}
        """
    }

    /// A streamed completion: a role chunk, one chunk per word, a finish chunk, a usage chunk and `[DONE]`.
    public static func streamEvents(words: [String], prompt: Int = 7, completion: Int? = nil) -> [String] {
        let head = "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"upstream-model\""
        var events = ["{\(head),\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}"]
        events += words.map { "{\(head),\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\($0) \"},\"finish_reason\":null}]}" }
        events.append("{\(head),\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
        events.append("{\(head),\"choices\":[],\"usage\":{\"prompt_tokens\":\(prompt),\"completion_tokens\":\(completion ?? words.count),\"total_tokens\":\(prompt + (completion ?? words.count))}}")
        events.append("[DONE]")
        return events
    }

    /// Runs the upstream on a free port for the duration of `body`, passing its base URL (`http://127.0.0.1:PORT/v1`).
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/**") { request, _ in try await self.answer(request) }
        return try await LiveServer.run(router: router) { port in try await body("http://127.0.0.1:\(port)/v1") }
    }

    private func nextBehavior() -> Behavior {
        script.withLock { script in script.count > 1 ? script.removeFirst() : script[0] }
    }

    private func answer(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        log.withLock { $0.append(Received(path: request.uri.path, query: request.uri.query ?? "", headers: request.headers, body: String(buffer: body))) }
        return try await respond(with: nextBehavior())
    }

    private func respond(with behavior: Behavior) async throws -> Response {
        switch behavior {
        case .json(let status, let body, let retryAfter):
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter { headers[.retryAfter] = retryAfter }
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        case .delayed(let delay, let next):
            try await Task.sleep(for: delay)
            return try await respond(with: next)
        case .held(let signal, let next):
            await signal.wait()
            return try await respond(with: next)
        case .stream(let events, let holdAfter, let hold):
            return Self.sse { writer in
                for (index, event) in events.enumerated() {
                    if index == holdAfter, let hold { await hold.wait() }
                    try await writer.write(ByteBuffer(string: "data: \(event)\n\n"))
                }
                try await writer.finish(nil)
            }
        case .endlessStream(let disconnected):
            return Self.sse { writer in
                do {
                    while true {
                        try await writer.write(ByteBuffer(string: "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"}}]}\n\n"))
                        try await Task.sleep(for: .milliseconds(20))
                    }
                } catch {
                    disconnected.fire()
                    throw error
                }
            }
        case .rawStream(let text, let piece):
            return Self.sse { writer in
                let bytes = Array(text.utf8)
                for start in stride(from: 0, to: bytes.count, by: max(1, piece)) {
                    try await writer.write(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + max(1, piece))]))
                }
                try await writer.finish(nil)
            }
        case .brokenStream(let first):
            return Self.sse { writer in
                try await writer.write(ByteBuffer(string: "data: \(first)\n\n"))
                try await Task.sleep(for: .milliseconds(50))
                throw CancellationError()
            }
        }
    }

    private static func sse(_ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody(write))
    }
}
