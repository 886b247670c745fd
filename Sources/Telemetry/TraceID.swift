import Synchronization

/// A 128-bit W3C trace id. The gateway also uses its hex form as the request id (`x-request-id`).
public struct TraceID: Sendable, Hashable, CustomStringConvertible {
    /// High 64 bits.
    public let high: UInt64
    /// Low 64 bits.
    public let low: UInt64

    /// Creates an id from its halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A new id, unique within this process and random-looking across processes, without a system call.
    ///
    /// A per-process random seed plus an atomic counter, passed through a bijective mixer: no two calls
    /// in one process return the same id, and ids of different processes collide only by chance.
    public static func next() -> TraceID {
        let count = IDSource.counter.add(1, ordering: .relaxed).newValue
        let low = IDSource.mix(count &+ IDSource.seedLow)
        return TraceID(high: IDSource.mix(low ^ IDSource.seedHigh), low: low)
    }

    /// Parses 32 hex digits.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16)
        else { return nil }
        self.init(high: high, low: low)
    }

    /// 32 lowercase hex digits.
    public var description: String { HexFormat.hex(high) + HexFormat.hex(low) }
}

/// A 64-bit span id.
public struct SpanID: Sendable, Hashable, CustomStringConvertible {
    /// The id's bits.
    public let value: UInt64

    /// Creates an id.
    public init(_ value: UInt64) { self.value = value }

    /// 16 lowercase hex digits.
    public var description: String { HexFormat.hex(value) }
}

enum IDSource {
    static let seedLow = UInt64.random(in: .min ... .max)
    static let seedHigh = UInt64.random(in: .min ... .max)
    static let counter = Atomic<UInt64>(0)

    /// The splitmix64 finalizer: a bijection on 64-bit values that scatters consecutive inputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
