import Synchronization

enum HexFormat {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// 16 lowercase hex digits with leading zeros.
    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { out in
            for index in 0..<16 { out[index] = digits[Int((value >> UInt64(60 - index * 4)) & 0xf)] }
            return 16
        }
    }
}
