import NIOCore
import TestSupport
import Testing

@testable import Gateway

@Suite("The upstream exchange's lazily armed deadline timer")
struct LazyDeadlineTests {
    @Test("drawn exchanges, new deadlines and clock steps: every exchange times out exactly when a timer armed for each deadline would fire")
    func matchesEagerTimer() {
        var generator = SplitMix64(seed: 0x1A2_D7)
        for _ in 0..<200 {
            var lazy = LazyDeadline()
            var now: UInt64 = 1_000
            var inFlight: UInt64?  // the deadline of the exchange in flight (the eager timer)
            var lazyTimeouts: [UInt64] = []
            var eagerTimeouts: [UInt64] = []
            func expect(_ deadline: UInt64) {
                inFlight = deadline
                _ = lazy.expect(.uptimeNanoseconds(deadline))
            }
            for _ in 0..<300 {
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<3 where inFlight == nil:
                    expect(now + UInt64.random(in: 1...400, using: &generator))
                case 3..<5 where inFlight != nil:
                    inFlight = nil
                    lazy.clear()
                case 5 where inFlight != nil:
                    // The head came in: the exchange now runs to another deadline.
                    expect(now + UInt64.random(in: 0...400, using: &generator))
                default:
                    let next = now + UInt64.random(in: 0...150, using: &generator)
                    // The lazy timer fires, maybe several times, up to the new time.
                    while let armed = lazy.armed?.uptimeNanoseconds, armed <= next {
                        switch lazy.fired(now: .uptimeNanoseconds(armed)) {
                        case .idle: break
                        case .rearm(let later): #expect(later.uptimeNanoseconds > armed)
                        case .due: lazyTimeouts.append(armed)
                        }
                    }
                    if let deadline = inFlight, deadline <= next {
                        eagerTimeouts.append(deadline)
                        inFlight = nil
                    }
                    now = next
                }
            }
            #expect(lazyTimeouts == eagerTimeouts)
        }
    }

    @Test("steady exchanges with a constant timeout arm one timer per timeout, not one per exchange")
    func steadyTraffic() {
        var lazy = LazyDeadline()
        var arms = 0
        for step in UInt64(0)..<1_000 {
            let now = step * 1_000
            if let armed = lazy.armed, armed.uptimeNanoseconds <= now {
                if case .rearm = lazy.fired(now: .uptimeNanoseconds(now)) { arms += 1 }
            }
            if lazy.expect(.uptimeNanoseconds(now + 100_000)) != nil { arms += 1 }
            lazy.clear()
        }
        #expect(arms <= 11)
    }
}
