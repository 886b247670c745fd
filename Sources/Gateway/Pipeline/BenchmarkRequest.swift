import GatewayModel
import NIOCore

/// The request the benchmarks measure, and the configuration that admits it: one project with
/// one key and one route, and with `metered`, a budget and limits that never refuse.
@_spi(Benchmarks)
public enum BenchmarkRequest {
    /// The key the request carries.
    public static let key = "sk-gw-bench-0123456789abcdefghijklmnop"

    /// A realistic chat completion request.
    public static let body =
        #"{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Write one sentence about foxes and dogs, please."}],"max_tokens":64,"temperature":0.2}"#

    /// The answer the load benchmark's origin gives (`bench/load.py`'s `COMPLETION`).
    public static let answer =
        #"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog."},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":10,"total_tokens":31,"prompt_tokens_details":{"cached_tokens":0}}}"#

    /// The head of a request carrying `key` and a JSON body of `length` bytes, as the listener reads it.
    static func head(key: String, length: Int) -> RequestHead {
        let text = "POST /v1/chat/completions HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(length)\r\n\r\n"
        // A fixed, well-formed head: it parses.
        return try! RequestParser.head(ByteBuffer(string: text)).0
    }

    /// Org `acme`, project `chatbot`, key `bench`, `gpt-4o-mini` routed to the provider `mock`.
    public static func config(metered: Bool) -> GatewayConfig {
        GatewayConfig(
            providers: [ProviderConfig(name: "mock", kind: .mock)],
            orgs: [
                Org(
                    id: "acme",
                    projects: [
                        Project(
                            id: "chatbot", routes: [Route(model: "gpt-4o-mini", targets: [RouteTarget(provider: "mock", model: "gpt-4o-mini")])],
                            keys: [APIKey(id: "bench", sha256: KeyHasher.sha256Hex(key))],
                            budget: metered ? Budget(microUSD: 1_000_000_000_000, period: .monthly) : nil,
                            limits: metered ? RateLimits(requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000_000) : nil)
                    ])
            ])
    }
}
