import Synchronization

/// A one-shot signal tests use to order events across tasks: `fire()` once, `wait()` anywhere.
public final class TestSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    /// Whether the signal has fired.
    public var isFired: Bool { state.withLock { $0.fired } }

    /// Fires the signal, resuming every waiter.
    public func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the signal fires.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let fired = state.withLock { state -> Bool in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if fired { continuation.resume() }
        }
    }

    /// Waits until the signal fires or `timeout` passes; returns whether it fired.
    public func wait(timeout: Duration) async -> Bool {
        await Eventually.holds(within: timeout) { isFired }
    }
}
