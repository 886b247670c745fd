/// Waits for a condition that another task makes true, in real time and bounded, for tests that
/// observe a running loop from outside.
public enum Eventually {
    /// Most of one poll's wait that counts against the timeout. A wake-up much later than asked
    /// means the process was starved (CPU-bound tests beside it holding the concurrency pool), and
    /// the tasks that would make the condition true were starved with it: that time does not count.
    static let creditPerPoll = Duration.milliseconds(50)

    /// Polls `condition` every few milliseconds until it holds or `timeout` of the time this
    /// test could run has passed; returns whether it holds.
    public static func holds(within timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        var remaining = timeout
        var last = ContinuousClock.now
        while !condition(), remaining > .zero {
            try? await Task.sleep(for: .milliseconds(2))
            let now = ContinuousClock.now
            remaining -= min(last.duration(to: now), creditPerPoll)
            last = now
        }
        return condition()
    }
}
