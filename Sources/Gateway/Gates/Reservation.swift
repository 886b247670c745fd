import Telemetry

/// What the `budget` gate holds for an admitted request: its worst-case cost against each
/// budget and its estimated tokens against each limit, until the answer settles it.
struct Reservation: Sendable {
    let metering: Metering
    let hold: Holds.Ticket

    /// Replaces the hold with the cost and tokens of the finished request's `trace`.
    func settle(_ trace: RequestTrace) {
        metering.settle(hold, cost: trace.costMicroUSD, tokens: Int(trace.inputTokens) + Int(trace.outputTokens))
    }
}
