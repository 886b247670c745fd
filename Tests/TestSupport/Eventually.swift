/// Waits for a condition that another task makes true, in real time and bounded, for tests that
/// observe a running loop from outside.
public enum Eventually {
    /// Polls `condition` every few milliseconds until it holds or `timeout` passes; returns
    /// whether it holds.
    public static func holds(within timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(2)) }
        return condition()
    }
}
