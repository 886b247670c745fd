import Telemetry
import Testing

@Suite("Trace and span ids")
struct TraceIDTests {
    @Test("ids are unique across concurrent callers and render as fixed-width hex")
    func unique() async {
        let batches = await withTaskGroup(of: [TraceID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<10_000).map { _ in TraceID.next() } } }
            return await group.reduce(into: [TraceID]()) { $0 += $1 }
        }
        #expect(Set(batches).count == 40_000)
        #expect(batches.allSatisfy { $0.description.count == 32 && $0.description.allSatisfy(\.isHexDigit) })
    }

    @Test("hex round-trips, and malformed hex is rejected")
    func roundTrip() {
        let id = TraceID(high: 0x0123_4567_89ab_cdef, low: 0x1)
        #expect(id.description == "0123456789abcdef0000000000000001")
        #expect(TraceID(hex: id.description) == id)
        #expect(TraceID(hex: "xyz") == nil)
        #expect(SpanID(0xff).description == "00000000000000ff")
    }

    @Test("drawn ids render as the standard library's hex, zero-padded, and read back")
    func drawnHex() {
        func padded(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        var generator = SystemRandomNumberGenerator()
        let edges: [UInt64] = [0, 1, 9, 10, 15, 16, .max, .max - 1, 0x8000_0000_0000_0000]
        for index in 0..<2_000 {
            let high = index < edges.count ? edges[index] : UInt64.random(in: 0 ... .max, using: &generator)
            let low = index < edges.count ? edges[edges.count - 1 - index] : UInt64.random(in: 0 ... .max, using: &generator) >> (index % 64)
            let id = TraceID(high: high, low: low)
            #expect(id.description == padded(high) + padded(low))
            #expect(TraceID(hex: id.description) == id && SpanID(low).description == padded(low))
            let flags = UInt8(truncatingIfNeeded: index)
            let flagsHex = String(repeating: "0", count: flags < 16 ? 1 : 0) + String(flags, radix: 16)
            #expect(TraceParent(trace: id, parent: SpanID(high ^ low), flags: flags).description == "00-\(padded(high))\(padded(low))-\(padded(high ^ low))-\(flagsHex)")
        }
    }
}

@Suite("Client text in a trace")
struct ClientTextTests {
    @Test("a requested model is kept whole up to 256 bytes and cut at a scalar boundary past it")
    func clipped() {
        #expect(RequestTrace.clipped("gpt-4o-mini") == "gpt-4o-mini")
        let long = String(repeating: "m", count: 1 << 20)
        #expect(RequestTrace.clipped(long).utf8.count == RequestTrace.maxClientTextBytes)
        for prefix in 0..<4 {
            let text = String(repeating: "a", count: prefix) + String(repeating: "é😀", count: 200)
            let cut = RequestTrace.clipped(text)
            #expect(cut.utf8.count <= RequestTrace.maxClientTextBytes && cut.utf8.count > RequestTrace.maxClientTextBytes - 4)
            #expect(text.hasPrefix(cut) && !cut.contains("\u{FFFD}"))
        }
    }
}
