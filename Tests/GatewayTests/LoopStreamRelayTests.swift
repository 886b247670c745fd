import GatewayModel
import NIOCore
import NIOEmbedded
import Telemetry
import TestSupport
import Testing

@testable import Gateway

@Suite("A provider's stream relayed from its connection's reads, without a task")
struct LoopStreamRelayTests {
    typealias Control = UpstreamChunksTests.Control

    /// What the relay wrote to the client, flushed or not, and whether the client takes more.
    final class Output: StreamOutput {
        var written = ""
        var flushed = ""
        var flushes = 0
        var finishes = 0
        var writable = true

        func write(_ bytes: ByteBuffer) -> Bool {
            written += String(buffer: bytes)
            return writable
        }

        func flush() {
            flushes += 1
            flushed = written
        }

        func finish() {
            finishes += 1
            flushed = written
        }
    }

    /// A relay of a stream whose chunks are read on `loop`, the chunks' buffer, and where its trace goes.
    struct Relaying {
        let relay: LoopStreamRelay
        let buffer: UpstreamChunks.Buffer
        let control: Control
        let output: Output
        let recorder: CapturingRecorder
    }

    static func relaying(on loop: EmbeddedEventLoop, deadline: NIODeadline = .now() + .seconds(60), started: Bool = true) throws -> Relaying {
        let control = Control(eventLoop: loop)
        let (chunks, buffer) = UpstreamChunks.make(control)
        let recorder = CapturingRecorder()
        var trace = RequestTrace(traceID: TraceID(high: 1, low: 2), startUnixNanos: 1, operation: "chat")
        trace.status = 200
        let relay = StreamRelay(
            chunks: chunks, trace: trace, snapshot: SnapshotIndex(version: 1, config: TestConfig.single(url: "http://127.0.0.1:9/v1")),
            promptEstimate: 5, started: .now(), deadline: deadline, provider: "up", stripsUsageChunk: true, outputGuard: nil, messages: false,
            completion: RequestCompletion(reservation: nil, recorder: recorder))
        let output = Output()
        let driven = try #require(LoopStreamRelay(relay, on: loop, output: output))
        if started { driven.start() }
        return Relaying(relay: driven, buffer: buffer, control: control, output: output, recorder: recorder)
    }

    static func event(_ word: String) -> String { "data: " + FakeUpstream.streamEvents(words: [word])[1] + "\n\n" }

    static let usage = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}\n\n"

    @Test("each read's chunks go out in one flush, in order; the usage-only chunk is cut and metered; the end finishes the answer and records it once")
    func completes() throws {
        let loop = EmbeddedEventLoop()
        let run = try Self.relaying(on: loop)
        #expect(run.buffer.append(ByteBuffer(string: Self.event("one"))))
        #expect(run.buffer.append(ByteBuffer(string: Self.event("two"))))
        #expect(run.output.flushed == "", "nothing is flushed before the read is over")
        run.buffer.readComplete()
        #expect(run.output.flushed == Self.event("one") + Self.event("two"))
        #expect(run.output.flushes == 1)
        _ = run.buffer.append(ByteBuffer(string: Self.usage + "data: [DONE]\n\n"))
        run.buffer.finish()
        #expect(run.output.finishes == 1)
        #expect(run.output.flushed == Self.event("one") + Self.event("two") + "data: [DONE]\n\n")
        run.buffer.finish()
        run.relay.clientGone()
        #expect(run.output.finishes == 1 && run.recorder.all.count == 1, "an ended relay ignores what comes after")
        let record = try #require(run.recorder.all.first)
        #expect(record.reason == "" && record.inputTokens == 7 && record.outputTokens == 2)
        #expect(run.control.abandoned == 0, "a stream read to its end leaves the connection to the pool")
    }

    @Test("a provider that times out or breaks off: the chunks so far, then an error event naming the gate; recorded once")
    func endings() throws {
        for (failure, code) in [(UpstreamConnection.Failure.timeout, "upstream_timeout"), (.broken("reset"), "upstream_stream_broken")] {
            let loop = EmbeddedEventLoop()
            let run = try Self.relaying(on: loop)
            _ = run.buffer.append(ByteBuffer(string: Self.event("partial")))
            run.buffer.finish(failure)
            #expect(run.output.flushed.hasPrefix(Self.event("partial")), "\(code)")
            #expect(run.output.flushed.contains("\"code\":\"\(code)\",\"gate\":\"upstream\""))
            #expect(run.output.finishes == 1)
            #expect(run.recorder.all.map(\.reason) == [code])
            #expect(run.recorder.all.first?.costFlags.contains(.estimated) == true, "no usage arrived: the cost is estimated")
        }
    }

    @Test("a stream past its deadline is cut: the provider's connection closed, the client told, the request recorded as timed out")
    func pastDeadline() throws {
        let loop = EmbeddedEventLoop()
        let run = try Self.relaying(on: loop, deadline: .now() - .seconds(1))
        _ = run.buffer.append(ByteBuffer(string: Self.event("late")))
        #expect(run.control.abandoned == 1)
        #expect(run.output.flushed.contains("\"code\":\"upstream_timeout\""))
        #expect(run.output.finishes == 1)
        #expect(run.recorder.all.map(\.reason) == ["upstream_timeout"])
        _ = run.buffer.append(ByteBuffer(string: Self.event("later")))
        #expect(!run.output.written.contains("later"), "nothing is relayed after the cut")
    }

    @Test("a client whose socket is full stops the provider's reads; once it drains they resume")
    func backPressure() throws {
        let loop = EmbeddedEventLoop()
        let run = try Self.relaying(on: loop)
        #expect(run.buffer.append(ByteBuffer(string: Self.event("one"))))
        run.output.writable = false
        #expect(!run.buffer.append(ByteBuffer(string: Self.event("two"))), "a full socket stops the reads")
        #expect(run.control.resumed == 0)
        run.output.writable = true
        run.relay.writable()
        #expect(run.control.resumed == 1)
        run.relay.writable()
        #expect(run.control.resumed == 1, "reads resume once")
        #expect(run.output.written == Self.event("one") + Self.event("two"), "no chunk is held back or lost")
    }

    @Test("a client that goes away closes the provider's connection and is recorded as client_closed, with nothing more written")
    func clientGone() throws {
        let loop = EmbeddedEventLoop()
        let run = try Self.relaying(on: loop)
        _ = run.buffer.append(ByteBuffer(string: Self.event("one")))
        run.relay.clientGone()
        #expect(run.control.abandoned == 1)
        #expect(run.recorder.all.map(\.reason) == ["client_closed"])
        #expect(run.output.finishes == 0)
        _ = run.buffer.append(ByteBuffer(string: Self.event("two")))
        run.buffer.finish()
        #expect(run.output.written == Self.event("one"))
        #expect(run.recorder.all.count == 1)
    }

    @Test("chunks read before the relay started, and the end, are relayed at its start and flushed")
    func bufferedBeforeStart() throws {
        let loop = EmbeddedEventLoop()
        let run = try Self.relaying(on: loop, started: false)
        _ = run.buffer.append(ByteBuffer(string: Self.event("early")))
        run.relay.start()
        #expect(run.output.flushed == Self.event("early"))
        run.buffer.finish()
        #expect(run.output.finishes == 1 && run.output.flushed.hasSuffix(Self.event("early")))

        let ended = try Self.relaying(on: EmbeddedEventLoop(), started: false)
        _ = ended.buffer.append(ByteBuffer(string: Self.event("whole")))
        ended.buffer.finish()
        ended.relay.start()
        #expect(ended.output.finishes == 1 && ended.output.flushed == Self.event("whole"))
        #expect(ended.recorder.all.map(\.reason) == [""])
    }

    @Test("a stream whose chunks are not read on the client's loop is left to a task")
    func otherLoop() throws {
        let (chunks, _) = UpstreamChunks.make(Control(eventLoop: EmbeddedEventLoop()))
        let relay = StreamRelay(
            chunks: chunks, trace: RequestTrace(traceID: TraceID(high: 1, low: 2), startUnixNanos: 1, operation: "chat"),
            snapshot: SnapshotIndex(version: 1, config: TestConfig.single(url: "http://127.0.0.1:9/v1")), promptEstimate: 5, started: .now(),
            deadline: .now() + .seconds(60), provider: "up", stripsUsageChunk: true, outputGuard: nil, messages: false,
            completion: RequestCompletion(reservation: nil, recorder: CapturingRecorder()))
        #expect(LoopStreamRelay(relay, on: EmbeddedEventLoop(), output: Output()) == nil)
        let translated = StreamRelay(
            chunks: AsyncThrowingStream<ByteBuffer, any Error> { $0.finish() }, trace: RequestTrace(traceID: TraceID(high: 1, low: 2), startUnixNanos: 1, operation: "chat"),
            snapshot: SnapshotIndex(version: 1, config: TestConfig.single(url: "http://127.0.0.1:9/v1")), promptEstimate: 5, started: .now(),
            deadline: .now() + .seconds(60), provider: "up", stripsUsageChunk: true, outputGuard: nil, messages: false,
            completion: RequestCompletion(reservation: nil, recorder: CapturingRecorder()))
        let loop = EmbeddedEventLoop()
        #expect(LoopStreamRelay(translated, on: loop, output: Output()) == nil)
    }
}
