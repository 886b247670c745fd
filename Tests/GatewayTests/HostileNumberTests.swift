import GatewayModel
import Foundation
import Logging
import NIOCore
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import Gateway

/// Numbers from clients and providers are hostile: none may trap (one tenant would crash the
/// process for every other), none may be read differently from the provider, and a provider's
/// impossible usage is never charged.
@Suite("Hostile numbers in requests and in provider usage")
struct HostileNumberTests {
    /// Every shape of number: edges of 32, 53, 63 and 64 bits, negatives, fractions, exponents.
    static let values = [
        "0", "-1", "1", "2147483647", "2147483648", "4294967295", "4294967296", "9007199254740993", "9223372036854775806",
        "9223372036854775807", "9223372036854775808", "18446744073709551616", "-9223372036854775808", "1.5", "1e3", "-1e9", "1E400", "-0",
        "1000000000", "1000000001", "100000000000000000000000000",
    ]

    /// A project and key with budgets and both limits, so every numeric path is taken.
    static func config(url: String) -> GatewayConfig {
        var config = TestConfig.single(url: url)
        config.orgs[0].budget = Budget(microUSD: 1_000_000_000, period: .monthly)
        config.orgs[0].projects[0].budget = Budget(microUSD: 100_000_000, period: .daily)
        config.orgs[0].projects[0].limits = RateLimits(requestsPerMinute: 100_000, tokensPerMinute: 50_000_000)
        config.orgs[0].projects[0].keys[0].budget = Budget(microUSD: 10_000_000, period: .total)
        config.orgs[0].projects[0].keys[0].limits = RateLimits(requestsPerMinute: 100_000, tokensPerMinute: 40_000_000)
        return config
    }

    @Test("max_tokens and max_completion_tokens of every shape get 200, 400 or 429, never a crash; the next request is served")
    func requestLimits() async throws {
        try await GatewayHarness.run(Self.config(url: "http://127.0.0.1:9/v1")) { gateway in
            for value in Self.values {
                for field in ["max_tokens", "max_completion_tokens"] {
                    for stream in [false, true] {
                        let body = GatewayHarness.chat("mock-gpt", stream: stream, extra: ",\"\(field)\":\(value)")
                        let answer = try await gateway.send("/v1/chat/completions", body: body)
                        #expect([200, 400, 429].contains(answer.status), "\(field) \(value) got \(answer.status)")
                        if answer.status == 400 { #expect(answer.error["param"] as? String == field) }
                        let next = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("mock-gpt", extra: ",\"max_tokens\":8"))
                        #expect(next.status == 200, "a normal request after \(field) \(value) got \(next.status)")
                    }
                }
            }
            // Nothing is left reserved once every answer is settled (streams settle when their relay ends).
            for _ in 0..<200 where gateway.metering.holds > 0 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(gateway.metering.holds == 0)
        }
    }

    @Test("a half-megabyte model name, with or without a key, is answered and leaves at most 256 bytes of it in the trace")
    func hugeModelName() async throws {
        try await GatewayHarness.run(Self.config(url: "http://127.0.0.1:9/v1")) { gateway in
            let model = String(repeating: "m", count: 1 << 19)  // half the body limit
            let routed = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat(model))
            let anonymous = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat(model), key: nil)
            #expect(routed.status == 404 && anonymous.status == 401)
            #expect(routed.body.utf8.count < 2048, "the 404 repeats at most 256 bytes of the name")
            let traces = await gateway.recorder.waitForRecords(2)
            #expect(traces.count == 2 && traces.allSatisfy { $0.requestedModel.utf8.count == RequestTrace.maxClientTextBytes })
        }
    }

    @Test("provider usage of every shape: valid counts are charged, the rest estimated and flagged, streamed or not")
    func providerUsage() async throws {
        var script: [FakeUpstream.Behavior] = []
        for value in Self.values {
            let usage = "\"usage\":{\"prompt_tokens\":\(value),\"completion_tokens\":\(value),\"prompt_tokens_details\":{\"cached_tokens\":\(value)}}"
            script.append(
                .json(
                    status: 200,
                    body: "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}],\(usage)}"))
            script.append(.stream(events: ["{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}", "{\"choices\":[],\(usage)}", "[DONE]"]))
        }
        let upstream = FakeUpstream(script)
        try await upstream.run { url in
            try await GatewayHarness.run(Self.config(url: url)) { gateway in
                var count = 0
                for value in Self.values {
                    for stream in [false, true] {
                        let answer = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat(stream: stream))
                        count += 1
                        let record = try #require(await gateway.recorder.waitForRecords(count).last)
                        // `-0` too is refused: a sign on a count is a provider bug.
                        let valid = !value.hasPrefix("-") && (Int(value).map { $0 <= TokenUsage.maxCount } ?? false)
                        if answer.status == 429 {
                            continue  // a budget spent by an earlier large but valid usage
                        }
                        #expect(answer.status == 200, "usage \(value) (stream \(stream)) got \(answer.status)")
                        #expect(record.costFlags.contains(.usageInvalid) == !valid, "usage \(value) (stream \(stream))")
                        if valid {
                            #expect(Int(record.inputTokens) == Int(value), "usage \(value) (stream \(stream))")
                        } else {
                            #expect(record.inputTokens < 1000, "impossible usage \(value) was charged as \(record.inputTokens) tokens")
                        }
                    }
                }
            }
        }
    }

    @Test("the request log line survives the largest counts and escapes control characters")
    func logLine() {
        let lines = CapturedLines()
        var logger = Logger(label: "log-test") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .debug
        var trace = RequestTrace(traceID: TraceID(high: 1, low: 2), startUnixNanos: 0, operation: "chat")
        trace.inputTokens = .max
        trace.outputTokens = .max
        trace.requestedModel = "gpt\nrequest finished status=200 forged" + String(repeating: "x", count: 65_536)
        LogRequestRecorder(logger: logger).record(trace)
        let line = lines.all.joined()
        #expect(line.contains("tokens_in=4294967295"))
        #expect(!line.contains("\n"))
        #expect(line.contains("gpt\\nrequest finished"))
        #expect(line.utf8.count < 2_000)
    }
}

/// Lines a ``CapturingLogHandler`` wrote.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// A log handler that renders each message with its metadata as `key=value` into one line.
struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.append("\(event.message) \(fields)")
    }
}
