import GatewayModel

/// Requests and tokens of the last 60 seconds, in one-second buckets.
struct SlidingWindow {
    private var seconds = [Int64](repeating: -1, count: 60)
    private var requests = [Int](repeating: 0, count: 60)
    private var tokens = [Int](repeating: 0, count: 60)

    /// Totals over the 60 seconds ending at `second` (inclusive).
    func usage(at second: Int64) -> (requests: Int, tokens: Int) {
        var total = (requests: 0, tokens: 0)
        for index in 0..<60 where seconds[index] > second - 60 && seconds[index] <= second {
            total.requests = total.requests.saturatingAdd(requests[index])
            total.tokens = total.tokens.saturatingAdd(tokens[index])
        }
        return total
    }

    /// Adds to the bucket of `second` (tokens may be negative to correct an estimate).
    mutating func add(requests count: Int, tokens amount: Int, at second: Int64) {
        let index = Int(second % 60)
        if seconds[index] != second {
            guard seconds[index] < second else { return }  // the bucket was reused by a later second: the entry has left the window
            seconds[index] = second
            requests[index] = 0
            tokens[index] = 0
        }
        requests[index] = requests[index].saturatingAdd(count)
        tokens[index] = max(0, tokens[index].saturatingAdd(amount))
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
