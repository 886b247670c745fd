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
    public var description: String { HexFormat.hex(high, low) }

    /// Writes the 32 lowercase hex digits of ``description`` at the start of `out`, which has
    /// room for them, without making a string.
    public func writeHex(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32, "a trace id needs 32 bytes")
        let digits = out.bindMemory(to: UInt8.self)
        HexFormat.write(high, into: digits, at: 0)
        HexFormat.write(low, into: digits, at: 16)
    }
}
