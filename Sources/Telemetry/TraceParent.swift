/// A W3C `traceparent` value, version 00: `00-{trace}-{parent span}-{flags}`, kept as its
/// parts so that it can be written where it is sent without making a string first.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// The trace.
    public let trace: TraceID
    /// The span the receiver's spans are children of.
    public let parent: SpanID
    /// The trace flags (bit 0: sampled).
    public let flags: UInt8

    /// The length of the value: 55 bytes.
    public static let byteCount = 55

    /// The value naming `trace`, `parent` and `flags`.
    public init(trace: TraceID, parent: SpanID, flags: UInt8) {
        self.trace = trace
        self.parent = parent
        self.flags = flags
    }

    /// Writes the 55 bytes of the value at the start of `out`, which has room for them.
    public func write(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= Self.byteCount, "a traceparent needs 55 bytes")
        let digits = out.bindMemory(to: UInt8.self)
        digits[0] = UInt8(ascii: "0")
        digits[1] = UInt8(ascii: "0")
        digits[2] = UInt8(ascii: "-")
        HexFormat.write(trace.high, into: digits, at: 3)
        HexFormat.write(trace.low, into: digits, at: 19)
        digits[35] = UInt8(ascii: "-")
        HexFormat.write(parent.value, into: digits, at: 36)
        digits[52] = UInt8(ascii: "-")
        HexFormat.write(UInt64(flags), into: digits, at: 53, digits: 2)
    }

    /// The value as a string.
    public var description: String {
        String(unsafeUninitializedCapacity: Self.byteCount) { out in
            write(into: UnsafeMutableRawBufferPointer(out))
            return Self.byteCount
        }
    }
}
