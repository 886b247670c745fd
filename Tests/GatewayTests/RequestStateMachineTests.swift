import NIOCore
import Testing

@testable import Gateway

@Suite("The data-plane connection's request state machine, without sockets")
struct RequestStateMachineTests {
    typealias Machine = RequestStateMachine<String>

    /// The dispatched head, body text, `ended` and `oversized`, or nil for no dispatch.
    static func dispatched(_ action: Machine.Action) -> (String, String?, Bool, Bool)? {
        guard case .dispatch(let head, let body, let ended, let oversized) = action else { return nil }
        return (head, body.map { String(buffer: $0) }, ended, oversized)
    }

    @Test("a body is collected chunk by chunk and handed over with its end; the connection stays open")
    func wholeRequest() {
        var machine = Machine()
        let step1 = machine.receivedHead("a", declaredLength: 6, limit: 10)
        #expect(Self.dispatched(step1) == nil)
        let step2 = machine.receivedBody(ByteBuffer(string: "abc"))
        #expect(Self.dispatched(step2) == nil)
        let step3 = machine.receivedBody(ByteBuffer(string: "def"))
        #expect(Self.dispatched(step3) == nil)
        let end = Self.dispatched(machine.receivedEnd())
        #expect(end?.0 == "a" && end?.1 == "abcdef" && end?.2 == true && end?.3 == false)
        #expect(!machine.isIdle)
        let open12 = machine.answerFinished(closes: false)
        #expect(open12)
        #expect(machine.isIdle)
    }

    @Test("a declared length over the limit is answered at once, the rest is dropped and the connection closes")
    func declaredTooLarge() {
        var machine = Machine()
        let head = Self.dispatched(machine.receivedHead("big", declaredLength: 11, limit: 10))
        #expect(head?.0 == "big" && head?.1 == nil && head?.2 == false)
        let step4 = machine.receivedBody(ByteBuffer(string: "0123456789a"))
        #expect(Self.dispatched(step4) == nil)
        let step5 = machine.receivedEnd()
        #expect(Self.dispatched(step5) == nil)
        // The end arrived while answering: the whole body was read after all, so it may stay open.
        let open13 = machine.answerFinished(closes: false)
        #expect(open13)
    }

    @Test("a streamed body is handed over as soon as it passes the limit; unread, the connection closes")
    func streamedTooLarge() {
        var machine = Machine()
        _ = machine.receivedHead("chunked", declaredLength: nil, limit: 4)
        let step6 = machine.receivedBody(ByteBuffer(string: "abcd"))
        #expect(Self.dispatched(step6) == nil)
        let over = Self.dispatched(machine.receivedBody(ByteBuffer(string: "e")))
        #expect(over?.1 == "abcde" && over?.2 == false)
        let step7 = machine.receivedBody(ByteBuffer(string: "more"))
        #expect(Self.dispatched(step7) == nil)
        let open14 = machine.answerFinished(closes: false)
        #expect(!open14)
    }

    @Test("passing the limit in bytes the decoder hides answers what was collected, flagged oversized")
    func passedLimit() {
        var machine = Machine()
        let step8 = machine.passedLimit()
        #expect(Self.dispatched(step8) == nil)
        _ = machine.receivedHead("h", declaredLength: nil, limit: 100)
        _ = machine.receivedBody(ByteBuffer(string: "x"))
        let cut = Self.dispatched(machine.passedLimit())
        #expect(cut?.1 == "x" && cut?.2 == false && cut?.3 == true)
        let step9 = machine.passedLimit()
        #expect(Self.dispatched(step9) == nil)
        let open15 = machine.answerFinished(closes: false)
        #expect(!open15)
    }

    @Test("either side asking to close wins; a refused request closes; a head while answering is ignored")
    func closing() {
        var machine = Machine()
        _ = machine.receivedHead("a", declaredLength: nil, limit: 10)
        _ = machine.receivedEnd()
        let step10 = machine.receivedHead("b", declaredLength: nil, limit: 10)
        #expect(Self.dispatched(step10) == nil)
        let open16 = machine.answerFinished(closes: true)
        #expect(!open16)
        machine.refusing()
        #expect(!machine.isIdle)
        let open17 = machine.answerFinished(closes: false)
        #expect(!open17)
        let step11 = machine.receivedEnd()
        #expect(Self.dispatched(step11) == nil)
    }
}
