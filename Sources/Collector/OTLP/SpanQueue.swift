/// The encoded spans waiting for one destination, at most `capacity`: past it the oldest are
/// dropped. Keeps the counts by which every span produced is accounted for exactly:
/// produced = sent + failed + dropped + rejected + queued (the batch in flight counts as queued).
struct SpanQueue {
    /// How the spans of one destination have fared.
    struct Counts: Sendable, Equatable {
        var produced: UInt64 = 0
        var sent: UInt64 = 0
        var failed: UInt64 = 0
        var dropped: UInt64 = 0
        var rejected: UInt64 = 0
    }

    let capacity: Int
    private var spans: [[UInt8]] = []
    private var head = 0
    /// Spans taken for a batch whose outcome is not known yet.
    private(set) var inFlight = 0
    private(set) var counts = Counts()

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Spans waiting, the batch in flight included.
    var queued: Int { spans.count - head + inFlight }

    /// Adds `new`, dropping the oldest waiting spans past the capacity.
    mutating func append(_ new: [[UInt8]]) {
        counts.produced &+= UInt64(new.count)
        spans.append(contentsOf: new)
        let excess = spans.count - head + inFlight - capacity
        if excess > 0 {
            let drop = min(excess, spans.count - head)
            head += drop
            counts.dropped &+= UInt64(drop)
        }
        if head > 1024 && head * 2 > spans.count {
            spans.removeFirst(head)
            head = 0
        }
    }

    /// Takes up to `limit` spans for a batch; nil when none wait or a batch is already in flight.
    mutating func takeBatch(limit: Int) -> ArraySlice<[UInt8]>? {
        guard inFlight == 0, head < spans.count else { return nil }
        let end = min(spans.count, head + limit)
        let batch = spans[head..<end]
        inFlight = batch.count
        head = end
        return batch
    }

    /// Settles the batch in flight: `rejected` of its spans refused by the backend, the rest
    /// sent when `delivered`, else failed.
    mutating func settle(delivered: Bool, rejected: Int = 0) {
        let rejected = min(max(0, rejected), inFlight)
        if delivered {
            counts.rejected &+= UInt64(rejected)
            counts.sent &+= UInt64(inFlight - rejected)
        } else {
            counts.failed &+= UInt64(inFlight)
        }
        inFlight = 0
    }

    /// Counts every waiting span as failed (the final flush ran out of time).
    mutating func failWaiting() {
        counts.failed &+= UInt64(spans.count - head)
        spans.removeAll()
        head = 0
    }
}
