import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

@Suite("The provider connection's state machine, without sockets")
struct UpstreamStateMachineTests {
    struct Terms: UpstreamExchangeTerms {
        var id = 1
        var stream = false
        var maxBytes = 10
        var deadline = NIODeadline.uptimeNanoseconds(1_000)
    }
    typealias Machine = UpstreamStateMachine<Terms, String>

    static func head(_ code: Int) -> UpstreamHead {
        UpstreamHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code))
    }

    /// A short description of an action, to compare.
    static func describe(_ action: Machine.Action) -> String {
        switch action {
        case .none: "none"
        case .startStream(let terms, let head): "start \(terms.id) \(head.status.code)"
        case .forward(let stream, let chunk): "forward \(stream) \(String(buffer: chunk))"
        case .complete(let terms, let head, let body, let keepAlive): "complete \(terms.id) \(head.status.code) \(String(buffer: body)) \(keepAlive)"
        case .endStream(let terms, let stream, let keepAlive): "end \(terms.id) \(stream) \(keepAlive)"
        case .fail(let terms, let stream, let failure): "fail \(terms.map { String($0.id) } ?? "-") \(stream ?? "-") \(failure)"
        case .reschedule(let deadline): "reschedule \(deadline.uptimeNanoseconds)"
        }
    }

    static func run(_ machine: inout Machine, _ steps: [(inout Machine) -> Machine.Action]) -> [String] {
        steps.map { describe($0(&machine)) }
    }

    @Test("a whole answer is collected across chunks; keep-alive returns the connection, close does not")
    func wholeAnswer() {
        var machine = Machine()
        #expect(machine.isIdle)
        machine.started(Terms())
        #expect(!machine.isIdle)
        let steps = Self.run(&machine, [
            { $0.receivedHead(Self.head(200), keepAlive: true) { "unused" } }, { $0.receivedBody(ByteBuffer(string: "abc")) },
            { $0.receivedBody(ByteBuffer(string: "de")) }, { $0.receivedEnd() },
        ])
        #expect(steps == ["none", "none", "none", "complete 1 200 abcde true"])
        #expect(machine.isIdle)
        machine.started(Terms(id: 2))
        let closing = Self.run(&machine, [{ $0.receivedHead(Self.head(500), keepAlive: false) { "unused" } }, { $0.receivedEnd() }])
        #expect(closing == ["none", "complete 2 500  false"])
        #expect(!machine.isIdle)
    }

    @Test("a streamed 2xx is handed over at its head and forwarded; a streamed error is collected whole")
    func streaming() {
        var machine = Machine()
        machine.started(Terms(stream: true))
        let steps = Self.run(&machine, [
            { $0.receivedHead(Self.head(200), keepAlive: true) { "s" } }, { $0.receivedBody(ByteBuffer(string: "data: 1")) }, { $0.receivedEnd() },
        ])
        #expect(steps == ["start 1 200", "forward s data: 1", "end 1 s true"])
        #expect(machine.isIdle)
        machine.started(Terms(id: 2, stream: true))
        let error = Self.run(&machine, [{ $0.receivedHead(Self.head(429), keepAlive: true) { "never" } }, { $0.receivedBody(ByteBuffer(string: "{}")) }, { $0.receivedEnd() }])
        #expect(error == ["none", "none", "complete 2 429 {} true"])
    }

    @Test("a streamed answer with Connection: close ends the connection instead of going back to the pool")
    func streamedClose() {
        var machine = Machine()
        machine.started(Terms(stream: true))
        let steps = Self.run(&machine, [{ $0.receivedHead(Self.head(200), keepAlive: false) { "s" } }, { $0.receivedBody(ByteBuffer(string: "data: 1")) }, { $0.receivedEnd() }])
        #expect(steps == ["start 1 200", "forward s data: 1", "end 1 s false"])
        #expect(!machine.isIdle)
    }

    @Test("an answer over its size limit fails, and the connection is done")
    func tooLarge() {
        var machine = Machine()
        machine.started(Terms(maxBytes: 4))
        let steps = Self.run(&machine, [
            { $0.receivedHead(Self.head(200), keepAlive: true) { "" } }, { $0.receivedBody(ByteBuffer(string: "abcd")) }, { $0.receivedBody(ByteBuffer(string: "e")) },
        ])
        #expect(steps == ["none", "none", "fail 1 - tooLarge"])
        #expect(!machine.isIdle)
    }

    @Test("the timer: before the head it is a timeout; after the head it moves to the answer's deadline, then times out")
    func deadlines() {
        var waiting = Machine()
        waiting.started(Terms())
        #expect(Self.describe(waiting.timerFired(now: .uptimeNanoseconds(10))) == "fail 1 - timeout")
        var streaming = Machine()
        streaming.started(Terms(stream: true, deadline: .uptimeNanoseconds(1_000)))
        let steps = Self.run(&streaming, [
            { $0.receivedHead(Self.head(200), keepAlive: true) { "s" } }, { $0.timerFired(now: .uptimeNanoseconds(10)) }, { $0.timerFired(now: .uptimeNanoseconds(1_000)) },
        ])
        #expect(steps == ["start 1 200", "reschedule 1000", "fail 1 s timeout"])
    }

    @Test("a close or reset before any byte may be retried elsewhere; after part of a head or mid-answer it is broken; parts out of order break the connection")
    func closes() {
        var before = Machine()
        before.started(Terms())
        #expect(Self.describe(before.closed(answerBegun: false)) == "fail 1 - closedBeforeResponse")
        var reset = Machine()
        reset.started(Terms())
        #expect(Self.describe(reset.closed(answerBegun: false, reason: "reset")) == "fail 1 - closedBeforeResponse")
        var partHead = Machine()
        partHead.started(Terms())
        #expect(Self.describe(partHead.closed(answerBegun: true, reason: "reset")) == "fail 1 - broken(\"reset\")")
        var mid = Machine()
        mid.started(Terms())
        _ = mid.receivedHead(Self.head(200), keepAlive: true) { "" }
        #expect(Self.describe(mid.closed(answerBegun: false)).hasPrefix("fail 1 - broken"))
        var stray = Machine()
        #expect(Self.describe(stray.receivedEnd()).hasPrefix("fail - - broken"))
        #expect(Self.describe(stray.receivedBody(ByteBuffer(string: "x"))).hasPrefix("fail - - broken"))
    }
}
