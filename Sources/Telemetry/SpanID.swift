import Synchronization

/// A 64-bit span id.
public struct SpanID: Sendable, Hashable, CustomStringConvertible {
    /// The id's bits.
    public let value: UInt64

    /// Creates an id.
    public init(_ value: UInt64) { self.value = value }

    /// 16 lowercase hex digits.
    public var description: String { HexFormat.hex(value) }
}
