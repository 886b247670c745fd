import Synchronization

/// What one read of a ring returned.
public struct RingBatch: Sendable {
    /// The traces, oldest first.
    public var traces: [RequestTrace]
    /// Traces overwritten before the reader got to them.
    public var dropped: UInt64
    /// The cursor for the next read.
    public var nextCursor: UInt64
    /// Traces ever written to the ring.
    public var written: UInt64
    /// The ring's capacity.
    public var capacity: Int
    /// The data plane's connection counters when the batch was read.
    public var connections = ConnectionCounters.Snapshot()

    /// Creates a batch.
    public init(traces: [RequestTrace], dropped: UInt64, nextCursor: UInt64, written: UInt64, capacity: Int) {
        self.traces = traces
        self.dropped = dropped
        self.nextCursor = nextCursor
        self.written = written
        self.capacity = capacity
    }
}
