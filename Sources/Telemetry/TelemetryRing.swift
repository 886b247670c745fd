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
    /// The readers' copies of the intern tables. A reader takes this lock, then the ring's; a
    /// writer takes only the ring's.
    private let readers = Mutex(Mirrors())

    private struct Mirrors: ~Copyable {
        var labels = InternMirror()
        var texts = InternMirror()
    }

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

    /// Appends to `batch` up to `limit` traces from its next cursor on, and brings its cursor and
    /// counts up to date.
    ///
    /// Under the ring's lock a reader only copies compact traces (a few hundred bytes each, no
    /// reference among them) and the strings set since the last read; it decodes them after
    /// letting go. The collector's thread runs at a lower priority: preempted while it decoded
    /// under the lock, it kept the request threads appending behind it waiting, for milliseconds
    /// at a time.
    public func read(into batch: inout RingBatch, limit: Int) {
        var remaining = max(0, min(limit, capacity))
        readers.withLock { mirrors in
            withUnsafeTemporaryAllocation(of: CompactTrace.self, capacity: Self.readStep) { copies in
                var copied = 0
                repeat {
                    let (start, available, labels, texts) = state.withLock { state in
                        let cursor = batch.nextCursor
                        let oldest = state.next > UInt64(capacity) ? state.next - UInt64(capacity) : 0
                        let start = max(cursor, oldest)
                        let available = Int(state.next - min(state.next, start))
                        copied = min(remaining, available, Self.readStep)
                        for offset in 0..<copied {
                            (copies.baseAddress! + offset).initialize(to: state.slots[Int((start + UInt64(offset)) % UInt64(capacity))])
                        }
                        batch.dropped += start - min(cursor, start)
                        batch.nextCursor = start + UInt64(copied)
                        batch.written = state.next
                        return (start, available, state.labels.takeChanges(), state.texts.takeChanges())
                    }
                    if batch.traces.isEmpty { batch.traces.reserveCapacity(min(remaining, available)) }
                    mirrors.labels.apply(labels)
                    mirrors.texts.apply(texts)
                    for offset in 0..<copied {
                        batch.traces.append(copies[offset], sequence: start + UInt64(offset), labels: mirrors.labels, texts: mirrors.texts)
                    }
                    remaining -= copied
                } while copied == Self.readStep && remaining > 0
            }
        }
        batch.connections = connections.snapshot()
    }

    /// Traces copied per hold of the ring's lock.
    public static let readStep = 32
}
