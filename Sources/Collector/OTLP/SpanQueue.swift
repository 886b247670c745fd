import DequeModule

/// The items (traces) waiting for one destination, counted in spans, at most `capacity` spans:
/// past it the oldest items are dropped. Keeps the counts by which every span produced is
/// accounted for exactly: produced = sent + failed + dropped + rejected + queued (the batch in
/// flight counts as queued).
struct SpanQueue<Item> {
    /// How the spans of one destination have fared.
    struct Counts: Sendable, Equatable {
        var produced: UInt64 = 0
        var sent: UInt64 = 0
        var failed: UInt64 = 0
        var dropped: UInt64 = 0
        var rejected: UInt64 = 0
    }

    let capacity: Int
    private var items = Deque<(item: Item, spans: Int)>()
    private var waiting = 0
    /// Spans taken for a batch whose outcome is not known yet.
    private(set) var inFlight = 0
    private(set) var counts = Counts()

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Spans waiting, the batch in flight included.
    var queued: Int { waiting + inFlight }

    /// Adds `item` of `spans` spans, dropping the oldest waiting items past the capacity.
    mutating func append(_ item: Item, spans: Int) {
        counts.produced &+= UInt64(spans)
        items.append((item, spans))
        waiting += spans
        while waiting + inFlight > capacity, let oldest = items.popFirst() {
            waiting -= oldest.spans
            counts.dropped &+= UInt64(oldest.spans)
        }
    }

    /// Takes the oldest items of at most `limit` spans in all (at least one item) for a batch; nil
    /// when none wait or a batch is already in flight.
    mutating func takeBatch(limit: Int) -> [Item]? {
        guard inFlight == 0, !items.isEmpty else { return nil }
        var batch: [Item] = []
        var spans = 0
        while let next = items.first, batch.isEmpty || spans + next.spans <= limit {
            batch.append(next.item)
            spans += next.spans
            items.removeFirst()
        }
        waiting -= spans
        inFlight = spans
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
        counts.failed &+= UInt64(waiting)
        items.removeAll()
        waiting = 0
    }
}
