import Synchronization

/// A fixed-capacity ring of request traces: many writers, readers that follow with a cursor.
///
/// Appending never waits on a reader: the writer takes a short lock, stores the trace in its slot
/// as a ``CompactTrace`` (fixed-size, strings held once in the ring's intern tables, so a slot
/// holds no reference and a full ring of 65,536 traces takes under 16 MB), and leaves. When the
/// ring is full the oldest traces are overwritten.
/// Every trace gets the next sequence number, so a reader at cursor C learns exactly how many
/// traces it missed.
public final class TelemetryRing: Sendable {
    /// Slots in the ring.
    public let capacity: Int
    /// The data plane's connection counters, served with every batch.
    public let connections = ConnectionCounters()
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var slots: [CompactTrace]
        /// Operations, gate ids and reasons.
        var labels = InternTable(limit: CompactTrace.labelLimit)
        /// Key ids, projects, models and providers.
        var texts = InternTable(limit: Int(UInt32.max - 1))
        /// Sequence number the next trace gets; also the count ever written.
        var next: UInt64 = 0
    }

    /// Bytes of one slot.
    public static var slotBytes: Int { MemoryLayout<CompactTrace>.stride }

    /// Most slots a ring has (the configuration's bound too).
    public static let maxCapacity = 1 << 24

    /// Creates a ring of `capacity` slots (at least 1, at most ``maxCapacity``).
    public init(capacity: Int) {
        self.capacity = min(max(1, capacity), Self.maxCapacity)
        state = Mutex(State(slots: Array(repeating: .empty, count: self.capacity)))
    }

    /// Appends `trace`, overwriting the oldest one when full; returns its sequence number.
    @discardableResult
    public func append(_ trace: borrowing RequestTrace) -> UInt64 {
        // Through a pointer to the borrowed trace: a closure that captured the trace itself would
        // copy it, retaining each of its strings.
        withUnsafePointer(to: trace) { trace in
            state.withLock { state in
                let sequence = state.next
                let slot = Int(sequence % UInt64(capacity))
                let previous = Int((sequence &- 1) % UInt64(capacity))
                let compact = state.slots.withUnsafeBufferPointer { slots in
                    CompactTrace(
                        trace.pointee, sequence: sequence, capacity: capacity, previous: slots.baseAddress! + previous, labels: &state.labels,
                        texts: &state.texts)
                }
                state.slots[slot] = compact
                state.next = sequence + 1
                return sequence
            }
        }
    }

    /// Bytes the ring holds: its slots and the text of the strings they name (after dropping
    /// those no trace names any more).
    public var storageBytes: Int {
        state.withLock { state in
            if state.next > 0 {
                state.labels.sweep(sequence: state.next - 1, capacity: capacity)
                state.texts.sweep(sequence: state.next - 1, capacity: capacity)
            }
            return capacity * Self.slotBytes + state.labels.textBytes + state.texts.textBytes
        }
    }

    /// Traces ever appended.
    public var written: UInt64 { state.withLock { $0.next } }

    /// Up to `limit` traces from `cursor` on (the sequence number of the first one wanted).
    public func read(from cursor: UInt64, limit: Int = .max) -> RingBatch {
        var batch = RingBatch(traces: [], dropped: 0, nextCursor: cursor, written: 0, capacity: capacity)
        read(into: &batch, limit: limit)
        return batch
    }

    /// Appends to `batch` up to `limit` traces from its next cursor on, in one hold of the lock,
    /// and brings its cursor and counts up to date.
    public func read(into batch: inout RingBatch, limit: Int) {
        state.withLock { state in
            let cursor = batch.nextCursor
            let oldest = state.next > UInt64(capacity) ? state.next - UInt64(capacity) : 0
            let start = max(cursor, oldest)
            let end = max(start, min(state.next, start + UInt64(max(0, min(limit, capacity)))))
            if batch.traces.isEmpty { batch.traces.reserveCapacity(Int(end - start)) }
            for sequence in start..<end {
                batch.traces.append(state.slots[Int(sequence % UInt64(capacity))], sequence: sequence, labels: state.labels, texts: state.texts)
            }
            batch.dropped += start - min(cursor, start)
            batch.nextCursor = end
            batch.written = state.next
        }
        batch.connections = connections.snapshot()
    }
}
