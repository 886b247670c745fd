import AsyncHTTPClient
import GatewayModel
import HTTPTypes
import HummingbirdCore
import Foundation
import NIOCore
import NIOHTTP1
import Telemetry
import TestSupport
import Testing

@testable import Gateway

@Suite("SSE streaming: relay, usage, disconnects")
struct StreamingTests {
    static func streamRequest(_ gateway: GatewayHarness, body: String = GatewayHarness.chat(stream: true)) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: gateway.baseURL + "/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(testKey)")
        request.body = .bytes(ByteBuffer(string: body))
        return request
    }

    @Test("the first chunk reaches the client before the upstream finishes, and usage is recorded")
    func relaysBeforeUpstreamFinishes() async throws {
        let hold = TestSignal()
        let events = FakeUpstream.streamEvents(words: ["one", "two", "three"], prompt: 9)
        let upstream = FakeUpstream([.stream(events: events, holdAfter: 2, hold: hold)])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let watchdog = Task {
                    try await Task.sleep(for: .seconds(5))
                    hold.fire()
                }
                defer { watchdog.cancel() }
                let response = try await gateway.client.execute(Self.streamRequest(gateway), timeout: .seconds(30))
                #expect(response.status.code == 200)
                #expect(response.headers.first(name: "content-type") == "text/event-stream")
                var received = ""
                var releasedByClient = false
                for try await chunk in response.body {
                    received += String(buffer: chunk)
                    if !hold.isFired, received.contains("\"one \"") {
                        releasedByClient = true
                        hold.fire()
                    }
                }
                #expect(releasedByClient, "the first content chunk must arrive while the upstream is still holding the rest")
                #expect(received.hasSuffix("data: [DONE]\n\n"))
                #expect(received.contains("\"three \""))
                #expect(upstream.received.first?.body.contains("\"stream_options\":{\"include_usage\":true}") == true)
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.streamed)
                #expect(record.inputTokens == 9 && record.outputTokens == 3)
                #expect(record.reason == "")
                // Priced at the requested gpt-4o-mini (the routed upstream-model has no price): 9 × 0.15 + 3 × 0.60 = 3.15 micro-USD.
                #expect(record.costMicroUSD == 4 && record.costFlags.isEmpty)
            }
        }
    }

    @Test("a client that disconnects mid-stream cancels the upstream request")
    func clientDisconnectCancelsUpstream() async throws {
        let disconnected = TestSignal()
        let upstream = FakeUpstream([.endlessStream(disconnected: disconnected)])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let reader = Task {
                    let response = try await gateway.client.execute(Self.streamRequest(gateway), timeout: .seconds(30))
                    var chunks = 0
                    for try await _ in response.body {
                        chunks += 1
                        if chunks == 3 { break }
                    }
                    return chunks
                }
                #expect(try await reader.value == 3)
                #expect(await disconnected.wait(timeout: .seconds(10)), "the upstream connection must be closed once the client leaves")
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.reason == "client_closed")
            }
        }
    }

    @Test("an upstream stream that breaks off ends with an SSE error event naming the gate")
    func brokenUpstreamStream() async throws {
        let first = FakeUpstream.streamEvents(words: ["partial"])[1]
        let upstream = FakeUpstream([.brokenStream(firstEvent: first)])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat(stream: true))
                #expect(response.status == 200)
                #expect(response.body.contains("\"partial \""))
                #expect(response.body.contains("\"code\":\"upstream_stream_broken\",\"gate\":\"upstream\""))
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.reason == "upstream_stream_broken")
                // No usage arrived: the cost comes from estimates and says so.
                #expect(record.costFlags == .estimated && record.outputTokens > 0 && record.inputTokens > 0 && record.costMicroUSD > 0)
            }
        }
    }

    /// Collects what a relay writes to the client.
    final class CollectingWriter: ResponseBodyWriter {
        var written = ""
        var finished = false
        func write(_ buffer: ByteBuffer) async throws { written += String(buffer: buffer) }
        func finish(_ trailingHeaders: HTTPFields?) async throws { finished = true }
    }

    @Test("a stream whose provider times out, or breaks off, mid-stream: the chunks so far, then an error event naming the gate; the trace is recorded once")
    func relayEndings() async throws {
        let event = "data: " + FakeUpstream.streamEvents(words: ["partial"])[1] + "\n\n"
        for (failure, code) in [(UpstreamConnection.Failure.timeout, "upstream_timeout"), (.closedBeforeResponse, "upstream_stream_broken")] {
            let chunks = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(ByteBuffer(string: event))
                continuation.finish(throwing: failure)
            }
            let recorder = CapturingRecorder()
            var trace = RequestTrace(traceID: TraceID(high: 1, low: 2), startUnixNanos: 1, operation: "chat")
            trace.status = 200
            let relay = StreamRelay(
                chunks: chunks, trace: trace, snapshot: SnapshotIndex(version: 1, config: TestConfig.single(url: "http://127.0.0.1:9/v1")),
                promptEstimate: 5, started: .now(), deadline: .now() + .seconds(60), provider: "up", stripsUsageChunk: true, outputGuard: nil,
                messages: false, completion: RequestCompletion(reservation: nil, recorder: recorder))
            var writer: any ResponseBodyWriter = CollectingWriter()
            try await relay.run(&writer)
            let collected = try #require(writer as? CollectingWriter)
            #expect(collected.written.hasPrefix(event), "\(code)")
            #expect(collected.written.contains("\"code\":\"\(code)\",\"gate\":\"upstream\""))
            #expect(collected.finished)
            #expect(recorder.all.count == 1)
            #expect(recorder.all.first?.reason == code)
            #expect(recorder.all.first?.costFlags.contains(.estimated) == true, "no usage arrived: the cost is estimated")
        }
    }

    @Test("a client that stops reading holds the provider back instead of the gateway buffering the stream")
    func slowClient() async throws {
        // 256 MiB: more than every socket buffer on the way can hold.
        let upstream = FirehoseUpstream(chunks: 4096, chunkBytes: 64 * 1024)
        let total = upstream.chunks * upstream.chunkBytes
        try await upstream.run { port in
            // A deadline well past the test's waits: on a loaded machine the stream can start
            // seconds late, and the default 5 s would then end it before the client goes away.
            try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:\(port)/v1", timeout: 60)) { gateway in
                let socket = RawHTTP.sendAndPause(port: gateway.port, head: RawHTTP.chat(stream: true))
                // Once the stream started (which a machine loaded by the tests beside this one can
                // delay), the provider has 3 s to get ahead. Every buffer on the way (both sockets'
                // kernel buffers, the relay's writes, the outbound watermark) holds < 16 MiB.
                #expect(await Eventually.holds { upstream.bytesWritten > 0 }, "the stream started")
                try await Task.sleep(for: .seconds(3))
                let ahead = upstream.bytesWritten
                RawHTTP.close(socket)
                #expect(ahead < 24 << 20, "the provider got \(ahead >> 20) MiB of \(total >> 20) MiB ahead of a client that reads nothing")
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.reason == "client_closed")
            }
        }
    }

    @Test("the mock provider streams word by word; the usage chunk reaches only a client that asked for it, and is metered either way")
    func mockStream() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let plain = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("mock-gpt", stream: true))
            #expect(plain.status == 200)
            let events = plain.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.count > 5)
            #expect(events.last == "data: [DONE]")
            #expect(!plain.body.contains("\"usage\":{"), "the usage chunk the gateway asked for is cut")
            #expect(!plain.body.contains("\"choices\":[]"))
            #expect(await gateway.recorder.waitForRecords(1).first?.outputTokens ?? 0 > 0)
            #expect(await gateway.recorder.waitForRecords(1).first?.costFlags.contains(.estimated) == false)

            let asked = try await gateway.send(
                "/v1/chat/completions", body: GatewayHarness.chat("mock-gpt", stream: true, extra: ",\"stream_options\":{\"include_usage\":true}"))
            let askedEvents = asked.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(askedEvents.last == "data: [DONE]")
            #expect(askedEvents[askedEvents.count - 2].contains("\"usage\":{\"prompt_tokens\""))
        }
    }

    @Test("cutting the usage chunk relays every other byte, however the stream is split")
    func usageChunkCut() {
        let text = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":22}}\r\n\r\ndata: [DONE]\n\n"
        let expected = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\ndata: [DONE]\n\n"
        let bytes = Array(text.utf8)
        for first in 0..<bytes.count {
            for second in stride(from: first, to: bytes.count, by: 11) {
                var meter = StreamUsageMeter(stripsUsageChunk: true)
                var relayed = meter.feed(ByteBuffer(bytes: bytes[..<first]))
                var middle = meter.feed(ByteBuffer(bytes: bytes[first..<second]))
                var last = meter.feed(ByteBuffer(bytes: bytes[second...]))
                relayed.writeBuffer(&middle)
                relayed.writeBuffer(&last)
                if var rest = meter.finish() { relayed.writeBuffer(&rest) }
                #expect(String(buffer: relayed) == expected)
                #expect(meter.usage == .valid(TokenUsage(input: 11, output: 22)))
            }
        }
    }

    @Test(
        "stream_options.include_usage is added or forced on, other bytes untouched",
        arguments: [
            (#"{"model":"a","messages":[{}],"stream":true}"#, #"{"stream_options":{"include_usage":true},"model":"b","messages":[{}],"stream":true}"#),
            (#"{"model":"a","messages":[{}],"stream":true,"stream_options":{}}"#, #"{"model":"b","messages":[{}],"stream":true,"stream_options":{"include_usage":true}}"#),
            (#"{"model":"a","messages":[{}],"stream":true,"stream_options":{"x":1}}"#, #"{"model":"b","messages":[{}],"stream":true,"stream_options":{"include_usage":true,"x":1}}"#),
            (#"{"model":"a","messages":[{}],"stream":true,"stream_options":{"include_usage":false}}"#, #"{"model":"b","messages":[{}],"stream":true,"stream_options":{"include_usage":true}}"#),
            (#"{"model":"a","messages":[{}],"stream":false}"#, #"{"model":"b","messages":[{}],"stream":false}"#),
        ])
    func upstreamBody(input: String, expected: String) throws {
        let payload = try RequestPayload.parse(ByteBuffer(string: input), for: .chatCompletions)
        #expect(String(buffer: payload.upstreamBody(model: "b", askForUsage: true)) == expected)
    }

    @Test("drawn streams, split at drawn places: every byte but the usage-only event is relayed, and the last usage is read")
    func drawnStreams() {
        var generator = SplitMix64(seed: 0x5EED_0005)
        for _ in 0..<2_000 {
            let newline = Bool.random(using: &generator) ? "\n" : "\r\n"
            var text = "", expected = "", events = 0
            var usage = TokenUsage.Reading.absent
            for index in 0..<Int.random(in: 0...8, using: &generator) {
                // Valid JSON string content holding quotes, colons, brackets and the key itself, escaped.
                let word = (0..<Int.random(in: 0...12, using: &generator))
                    .map { _ in ["a", #"\""#, #"\\"#, ":", "[]", "\u{e9}", #"\"choices\":[]"#, " "].randomElement(using: &generator)! }.joined()
                let event: String
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: event = ": ping" + newline + newline
                case 1: event = "event: note" + newline + "data:{\"choices\" : [ {\"delta\":{\"content\":\"\(word)\"}} ]}" + newline + newline
                case 2: event = "data: {\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":\(index),\"completion_tokens\":1}}" + newline + newline
                default: event = "data: {\"choices\":[{\"delta\":{\"content\":\"\(word)\"}}],\"usage\":null}" + newline + newline
                }
                text += event
                expected += event
                if event.hasPrefix("data") || event.hasPrefix("event") { events += 1 }
                if event.contains("prompt_tokens") { usage = .valid(TokenUsage(input: index, output: 1)) }
            }
            let final = Bool.random(using: &generator)
            if final {
                let spaces = String(repeating: " ", count: Int.random(in: 0...2, using: &generator))
                text += "data: {\"choices\"\(spaces):\(spaces)[\(spaces)],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":8}}" + newline + newline
                usage = .valid(TokenUsage(input: 7, output: 8))
            }
            text += "data: [DONE]" + newline + newline
            expected += "data: [DONE]" + newline + newline
            let bytes = Array(text.utf8)
            var cuts = (0..<Int.random(in: 0...4, using: &generator)).map { _ in Int.random(in: 0...bytes.count, using: &generator) }
            cuts = ([0] + cuts + [bytes.count]).sorted()
            var meter = StreamUsageMeter(stripsUsageChunk: true)
            var relayed = ByteBuffer()
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                var out = meter.feed(ByteBuffer(bytes: bytes[start..<end]))
                relayed.writeBuffer(&out)
            }
            if var rest = meter.finish() { relayed.writeBuffer(&rest) }
            #expect(String(buffer: relayed) == expected, "cuts \(cuts) of \(text.debugDescription)")
            #expect(meter.usage == usage)
            #expect(meter.events == events + (final ? 2 : 1))
        }
    }

    @Test("a line past the meter's bound is relayed uninspected, and the stream after it is metered again")
    func overlongLine() {
        let long = "data: {\"choices\":[{\"delta\":{\"content\":\"" + String(repeating: "x", count: 1_500_000) + "\"}}],\"usage\":{\"prompt_tokens\":1}}\n\n"
        let usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6}}\n\n"
        let bytes = Array((long + usage + "data: [DONE]\n\n").utf8)
        for size in [65_536, 100_003] {
            var meter = StreamUsageMeter(stripsUsageChunk: true)
            var relayed = ByteBuffer()
            for start in stride(from: 0, to: bytes.count, by: size) {
                var out = meter.feed(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
                relayed.writeBuffer(&out)
            }
            #expect(meter.finish() == nil)
            #expect(String(buffer: relayed) == long + "data: [DONE]\n\n")
            #expect(meter.usage == .valid(TokenUsage(input: 5, output: 6)), "the overlong line's usage is not read")
        }
    }

    @Test("the usage meter finds usage split across chunk boundaries")
    func usageAcrossChunks() {
        let text = "data: {\"choices\":[]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":22,\"prompt_tokens_details\":{\"cached_tokens\":3}}}\r\n\r\ndata: [DONE]\n\n"
        for split in stride(from: 1, to: text.utf8.count, by: 7) {
            var meter = StreamUsageMeter()
            let bytes = Array(text.utf8)
            meter.feed(ByteBuffer(bytes: bytes[..<split]))
            meter.feed(ByteBuffer(bytes: bytes[split...]))
            #expect(meter.usage == .valid(TokenUsage(input: 11, cachedInput: 3, output: 22)))
        }
    }
}
