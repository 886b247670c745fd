import Telemetry

/// The newest traces of one org, oldest dropped first.
///
/// A batch's traces stay where they were read: the org's share of a batch is kept as indices into
/// the batch's own array, which the segment holds (one reference per batch rather than a copy of
/// each trace). An org with under a quarter of a batch copies its traces out instead, so that a
/// few kept traces never hold a large batch alive: batches held stay within four times the
/// traces kept, plus the oldest, partly dropped segment.
struct RecentTraces {
    let limit: Int
    /// Traces kept, across the segments.
    private(set) var count = 0
    private var segments: [Segment] = []

    /// Some traces of one batch: `indices` (ascending) into `traces`.
    private struct Segment {
        let traces: [RequestTrace]
        var indices: ArraySlice<Int>
    }

    /// A batch is held when the org's share of it is at least one part in this many.
    static let heldShare = 4

    init(limit: Int) { self.limit = max(1, limit) }

    /// Keeps the traces at `indices` (ascending) of `traces`, newest last; only the newest
    /// ``limit`` of them can stay, and the older ones are not kept.
    mutating func append(_ indices: ArraySlice<Int>, of traces: [RequestTrace]) {
        let kept = indices.suffix(limit)
        guard !kept.isEmpty else { return }
        if kept.count * Self.heldShare >= traces.count {
            segments.append(Segment(traces: traces, indices: kept))
        } else {
            segments.append(Segment(traces: kept.map { traces[$0] }, indices: ArraySlice(0..<kept.count)))
        }
        count += kept.count
        while count > limit {
            let excess = count - limit
            if segments[0].indices.count <= excess {
                count -= segments[0].indices.count
                segments.removeFirst()
            } else {
                segments[0].indices.removeFirst(excess)
                count -= excess
            }
        }
    }

    /// Traces the held batches and copies hold, kept or not.
    var heldTraces: Int { segments.reduce(0) { $0 + $1.traces.count } }

    /// Newest first.
    var newestFirst: some Sequence<RequestTrace> {
        segments.reversed().lazy.flatMap { segment in segment.indices.reversed().lazy.map { segment.traces[$0] } }
    }

    /// The trace of request `id`, if kept.
    func trace(id: TraceID) -> RequestTrace? {
        for segment in segments {
            if let index = segment.indices.first(where: { segment.traces[$0].traceID == id }) { return segment.traces[index] }
        }
        return nil
    }
}

extension Duration {
    var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
