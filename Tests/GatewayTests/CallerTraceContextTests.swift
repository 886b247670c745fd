import HTTPTypes
import Telemetry
import Testing

@testable import Gateway

@Suite("W3C trace context from the caller")
struct CallerTraceContextTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func context(_ traceparent: String?, state: String? = nil) -> CallerTraceContext? {
        var fields = HTTPFields()
        if let traceparent { fields[CallerTraceContext.traceparent] = traceparent }
        if let state { fields[CallerTraceContext.tracestate] = state }
        return CallerTraceContext(fields)
    }

    @Test("a well-formed traceparent gives the caller's trace, span and flags; its tracestate is kept")
    func wellFormed() throws {
        let caller = try #require(context(Self.valid, state: "vendor=abc,other=1"))
        #expect(caller.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(caller.parentSpanID.description == "00f067aa0ba902b7" && caller.flags == 1 && caller.state == "vendor=abc,other=1")
        var trace = RequestTrace(traceID: caller.traceID, startUnixNanos: 0, operation: "chat")
        trace.spanSeed = 42
        #expect(CallerTraceContext.upstreamHeader(for: trace, flags: caller.flags).description == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(trace.upstreamSpanID)-01")
        #expect(CallerTraceContext.upstreamHeader(for: trace, flags: 0xa0).description.hasSuffix("-a0"))
    }

    @Test(
        "a malformed traceparent is ignored",
        arguments: [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4bf92f3577b34da6a3ce929d0e0e473x-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
        ])
    func malformed(_ value: String) {
        #expect(context(value) == nil)
    }

    @Test("a tracestate beyond the spec's limits or outside printable ASCII is dropped; without traceparent nothing is kept")
    func tracestate() {
        #expect(context(Self.valid, state: String(repeating: "a", count: 513))?.state == nil)
        #expect(context(Self.valid, state: "a=é")?.state == nil)
        #expect(context(nil, state: "a=b") == nil)
    }

    @Test("random traceparent values never trap and parse only when well-formed")
    func random() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEF-_ x")
        for _ in 0..<2000 {
            var characters = Array(Self.valid)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                characters[Int.random(in: 0..<characters.count, using: &generator)] = alphabet.randomElement(using: &generator)!
            }
            let text = String(characters)
            if let caller = context(text) {
                #expect(text.hasPrefix("00-") && text.dropFirst(3).prefix(32).lowercased() == caller.traceID.description)
            }
        }
    }
}
