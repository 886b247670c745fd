import GatewayModel

/// Requests and tokens of the last 60 seconds, in one-second buckets. A class: ``Metering``
/// keeps one per scope and updates it in place under its lock, without a dictionary's modify
/// accessor or a copy of the buckets.
final class SlidingWindow {
    /// One second's requests and tokens; `second` is -1 for a bucket never used.
    private struct Bucket {
        var second: Int64 = -1
        var requests = 0
        var tokens = 0
    }

    private var buckets = [Bucket](repeating: Bucket(), count: 60)

    /// Totals over the 60 seconds ending at `second` (inclusive).
    func usage(at second: Int64) -> (requests: Int, tokens: Int) {
        var total = (requests: 0, tokens: 0)
        buckets.withUnsafeBufferPointer { buckets in
            for bucket in buckets where bucket.second > second - 60 && bucket.second <= second {
                total.requests = total.requests.saturatingAdd(bucket.requests)
                total.tokens = total.tokens.saturatingAdd(bucket.tokens)
            }
        }
        return total
    }

    /// Adds to the bucket of `second` (tokens may be negative to correct an estimate).
    func add(requests count: Int, tokens amount: Int, at second: Int64) {
        let index = Int((second % 60 + 60) % 60)
        if buckets[index].second != second {
            guard buckets[index].second < second else { return }  // the bucket was reused by a later second: the entry has left the window
            buckets[index] = Bucket(second: second)
        }
        buckets[index].requests = buckets[index].requests.saturatingAdd(count)
        buckets[index].tokens = max(0, buckets[index].tokens.saturatingAdd(amount))
    }

    /// Seconds until the window holds fewer than `limit` requests.
    func secondsUntilRequestsFree(at second: Int64, limit: Int) -> Double {
        secondsUntil(at: second) { $0.requests < limit }
    }

    /// Seconds until `room` more tokens fit under `limit`.
    func secondsUntilTokensFree(at second: Int64, room: Int, limit: Int) -> Double {
        secondsUntil(at: second) { $0.tokens.saturatingAdd(room) <= limit }
    }

    private func secondsUntil(at second: Int64, _ fits: ((requests: Int, tokens: Int)) -> Bool) -> Double {
        for wait in Int64(0)...60 where fits(usage(at: second + wait)) { return Double(wait) }
        return 60
    }
}
