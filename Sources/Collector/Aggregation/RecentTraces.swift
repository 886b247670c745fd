import GatewayModel
import Synchronization
import Telemetry

/// The newest traces of one org, oldest overwritten first.
struct RecentTraces {
    let limit: Int
    private(set) var items: [TaggedTrace] = []
    private var next = 0

    init(limit: Int) { self.limit = max(1, limit) }

    mutating func append(_ trace: consuming TaggedTrace) {
        if items.count < limit {
            items.append(trace)
        } else {
            items[next] = trace
        }
        next = (next + 1) % limit
    }

    /// Appends each of `traces`, in order.
    mutating func append(_ traces: some Sequence<TaggedTrace>) {
        for trace in traces { append(trace) }
    }

    /// Newest first.
    var newestFirst: [TaggedTrace] {
        guard items.count == limit else { return items.reversed() }
        return (Array(items[next...]) + items[..<next]).reversed()
    }
}

extension Duration {
    var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
