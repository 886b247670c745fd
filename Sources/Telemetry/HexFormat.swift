enum HexFormat {
    /// 16 lowercase hex digits with leading zeros.
    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { out in
            write(value, into: out, at: 0)
            return 16
        }
    }

    /// 32 lowercase hex digits with leading zeros, `high` first, written into one new string.
    static func hex(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { out in
            write(high, into: out, at: 0)
            write(low, into: out, at: 16)
            return 32
        }
    }

    /// A W3C `traceparent` value, version 00: `00-{trace}-{span}-{flags}`, written into one new string.
    static func traceparent(_ trace: TraceID, _ span: SpanID, flags: UInt8) -> String {
        String(unsafeUninitializedCapacity: 55) { out in
            out[0] = UInt8(ascii: "0")
            out[1] = UInt8(ascii: "0")
            out[2] = UInt8(ascii: "-")
            write(trace.high, into: out, at: 3)
            write(trace.low, into: out, at: 19)
            out[35] = UInt8(ascii: "-")
            write(span.value, into: out, at: 36)
            out[52] = UInt8(ascii: "-")
            write(UInt64(flags), into: out, at: 53, digits: 2)
            return 55
        }
    }

    static func write(_ value: UInt64, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int, digits: Int = 16) {
        for index in 0..<digits {
            let digit = UInt8(truncatingIfNeeded: (value >> UInt64((digits - 1 - index) * 4)) & 0xf)
            out[start + index] = digit < 10 ? 0x30 + digit : 0x57 + digit
        }
    }
}
