import NIOCore

/// The deadline of a connection's exchange in flight, kept with one timer armed lazily.
///
/// Arming a timer and cancelling it costs a heap insertion and removal on the event loop, and
/// steady keep-alive traffic would pay both for every request. Here an exchange whose deadline
/// is no earlier than the armed timer leaves that timer as it is, and a finished exchange leaves
/// it pending. When the timer fires it compares the clock with the deadline actually in flight:
/// passed, the exchange timed out; later, the timer is armed again for it; none, nothing
/// happens. A connection so arms about one timer per timeout, not one per request, and every
/// exchange still times out exactly at its own deadline.
struct LazyDeadline {
    /// What a fired timer means.
    enum Firing: Equatable {
        /// No exchange is in flight.
        case idle
        /// The exchange's deadline is later: arm the timer again for it.
        case rearm(NIODeadline)
        /// The exchange's deadline passed.
        case due
    }

    /// When the armed timer fires; nil when none is armed.
    private(set) var armed: NIODeadline?
    /// The deadline of the exchange in flight.
    private var due: NIODeadline?

    /// The exchange in flight now ends at `deadline`. Returns when to arm the timer (replacing
    /// any armed one), or nil when the armed timer fires early enough.
    mutating func expect(_ deadline: NIODeadline) -> NIODeadline? {
        due = deadline
        if let armed, armed <= deadline { return nil }
        armed = deadline
        return deadline
    }

    /// No exchange is in flight; an armed timer stays armed.
    mutating func clear() { due = nil }

    /// The timer was cancelled.
    mutating func cancel() { (armed, due) = (nil, nil) }

    /// The armed timer fired at `now`.
    mutating func fired(now: NIODeadline) -> Firing {
        armed = nil
        guard let due else { return .idle }
        if now < due {
            armed = due
            return .rearm(due)
        }
        self.due = nil
        return .due
    }
}
