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

    static func write(_ value: UInt64, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int, digits: Int = 16) {
        for index in 0..<digits {
            let digit = UInt8(truncatingIfNeeded: (value >> UInt64((digits - 1 - index) * 4)) & 0xf)
            out[start + index] = digit < 10 ? 0x30 + digit : 0x57 + digit
        }
    }
}
