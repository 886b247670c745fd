import Synchronization

/// A fixed-capacity ring of request traces: many writers, readers that follow with a cursor.
///
/// Appending never waits on a reader and never allocates: the writer takes a short lock, copies
/// the trace into its slot, and leaves. When the ring is full the oldest traces are overwritten.
/// Every trace gets the next sequence number, so a reader at cursor C learns exactly how many
/// traces it missed.
public final class TelemetryRing: Sendable {
    /// Slots in the ring.
    public let capacity: Int
    /// The data plane's connection counters, served with every batch.
    public let connections = ConnectionCounters()
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var slots: [RequestTrace]
        /// Sequence number the next trace gets; also the count ever written.
        var next: UInt64 = 0
    }

    /// Creates a ring of `capacity` slots (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        let blank = RequestTrace(traceID: TraceID(high: 0, low: 0), startUnixNanos: 0, operation: "")
        state = Mutex(State(slots: Array(repeating: blank, count: max(1, capacity))))
    }

    /// Appends `trace`, overwriting the oldest one when full; returns its sequence number.
    @discardableResult
    public func append(_ trace: RequestTrace) -> UInt64 {
        state.withLock { state in
            let sequence = state.next
            let slot = Int(sequence % UInt64(capacity))
            state.slots[slot] = trace
            state.slots[slot].sequence = sequence
            state.next = sequence + 1
            return sequence
        }
    }

    /// Traces ever appended.
    public var written: UInt64 { state.withLock { $0.next } }

    /// Up to `limit` traces from `cursor` on (the sequence number of the first one wanted).
    public func read(from cursor: UInt64, limit: Int = .max) -> RingBatch {
        var batch = state.withLock { state in
            let oldest = state.next > UInt64(capacity) ? state.next - UInt64(capacity) : 0
            let start = max(cursor, oldest)
            let end = min(state.next, start + UInt64(max(0, min(limit, capacity))))
            var traces: [RequestTrace] = []
            traces.reserveCapacity(Int(end - start))
            for sequence in start..<max(start, end) { traces.append(state.slots[Int(sequence % UInt64(capacity))]) }
            return RingBatch(
                traces: traces, dropped: start - min(cursor, start), nextCursor: max(start, end), written: state.next, capacity: capacity)
        }
        batch.connections = connections.snapshot()
        return batch
    }
}
