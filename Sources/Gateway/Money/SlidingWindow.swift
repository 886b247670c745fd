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

    /// The buckets, owned by the window: memory of its own rather than an array, whose every write
    /// would check that its storage is not shared and every access its bounds (an index is the
    /// second modulo 60).
    private let buckets: UnsafeMutableBufferPointer<Bucket>

    init() {
        buckets = .allocate(capacity: 60)
        buckets.initialize(repeating: Bucket())
    }

    deinit {
        buckets.deallocate()
    }

    /// The totals of the 60 seconds ending at `second`, as ``usage(at:)`` last summed them and
    /// ``add(requests:tokens:at:)`` kept them since: the buckets are summed once a second, not
    /// once a request. nil after an add whose effect on them is not known exactly.
    private var latest: (second: Int64, requests: Int, tokens: Int)?

    /// Totals over the 60 seconds ending at `second` (inclusive).
    func usage(at second: Int64) -> (requests: Int, tokens: Int) {
        if let latest, latest.second == second { return (latest.requests, latest.tokens) }
        let total = sum(at: second)
        latest = (second, total.requests, total.tokens)
        return total
    }

    /// Adds to the bucket of `second` (`count` is never negative; tokens may be, to correct an estimate).
    func add(requests count: Int, tokens amount: Int, at second: Int64) {
        let index = Int((second % 60 + 60) % 60)
        var old = buckets[index]
        if old.second != second {
            guard old.second < second else { return }  // the bucket was reused by a later second: the entry has left the window
            if let latest, Self.second(old.second, countsAt: latest.second) { self.latest = nil }
            old = Bucket(second: second)
        }
        let new = Bucket(second: second, requests: old.requests.saturatingAdd(count), tokens: max(0, old.tokens.saturatingAdd(amount)))
        buckets[index] = new
        guard let known = latest, Self.second(second, countsAt: known.second) else { return }
        if let requests = Self.total(known.requests, replacing: old.requests, with: new.requests),
            let tokens = Self.total(known.tokens, replacing: old.tokens, with: new.tokens)
        {
            latest = (known.second, requests, tokens)
        } else {
            latest = nil
        }
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
        if fits(usage(at: second)) { return 0 }
        for wait in Int64(1)...60 where fits(sum(at: second + wait)) { return Double(wait) }
        return 60
    }

    /// The buckets of the 60 seconds ending at `second`, summed: each count is at least zero, so a
    /// saturated sum is the exact one capped at `Int.max`.
    private func sum(at second: Int64) -> (requests: Int, tokens: Int) {
        var total = (requests: 0, tokens: 0)
        for bucket in buckets where Self.second(bucket.second, countsAt: second) {
            total.requests = total.requests.saturatingAdd(bucket.requests)
            total.tokens = total.tokens.saturatingAdd(bucket.tokens)
        }
        return total
    }

    /// Whether the bucket of second `bucket` is in the window ending at `second`.
    private static func second(_ bucket: Int64, countsAt second: Int64) -> Bool {
        bucket > second - 60 && bucket <= second
    }

    /// A capped sum after one of its terms went from `old` to `new`; nil when the sum was capped
    /// and the term fell, so the exact sum is not known.
    private static func total(_ total: Int, replacing old: Int, with new: Int) -> Int? {
        guard total < .max else { return new >= old ? .max : nil }
        return (total - old).saturatingAdd(new)
    }
}
