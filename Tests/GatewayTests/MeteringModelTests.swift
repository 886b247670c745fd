import Foundation
import GatewayModel
import Telemetry
import TestSupport
import Testing

@testable import Gateway

/// `Metering` against a plain model of the same rules: every admission, settlement, flush and
/// reset drawn at random, over budgets of every period, limits, hostile amounts, and a clock that
/// crosses period boundaries and the abandonment hour.
@Suite("Metering against a reference model")
struct MeteringModelTests {
    /// The rules written as plainly as possible: a dictionary per quantity, no caching.
    struct Model {
        /// A rate-limit minute as a dictionary of seconds. Like the gateway's 60 buckets, a second
        /// drops out once a second 60 (or 120, ...) later is written, and a write to a second
        /// that already dropped out is lost.
        struct Window {
            var seconds: [Int64: (requests: Int, tokens: Int)] = [:]

            func usage(at second: Int64) -> (requests: Int, tokens: Int) {
                seconds.filter { $0.key > second - 60 && $0.key <= second }.values.reduce((requests: 0, tokens: 0)) {
                    (requests: $0.requests.saturatingAdd($1.requests), tokens: $0.tokens.saturatingAdd($1.tokens))
                }
            }

            mutating func add(requests count: Int, tokens amount: Int, at second: Int64) {
                guard !seconds.keys.contains(where: { $0 > second && ($0 - second) % 60 == 0 }) else { return }
                seconds = seconds.filter { !($0.key < second && (second - $0.key) % 60 == 0) }
                let old = seconds[second] ?? (0, 0)
                seconds[second] = (old.requests.saturatingAdd(count), max(0, old.tokens.saturatingAdd(amount)))
            }

            /// Seconds until `fits` holds of the usage, up to 60.
            func wait(at second: Int64, _ fits: ((requests: Int, tokens: Int)) -> Bool) -> Double {
                Double((0...60).first { fits(usage(at: second + Int64($0))) } ?? 60)
            }
        }

        struct Hold {
            var keys: [SpendKey]
            var amount: Int64
            var scopes: [String]
            var tokens: Int
            var second: Int64
        }

        var ledger: [SpendKey: Int64] = [:]
        var flushing: [SpendKey: (microUSD: Int64, requests: Int64)] = [:]
        var unflushed: [SpendKey: (microUSD: Int64, requests: Int64)] = [:]
        var reserved: [SpendKey: Int64] = [:]
        var windows: [String: Window] = [:]
        var holds: [TraceID: Hold] = [:]
        var lastSweep: Int64 = 0

        func spent(_ key: SpendKey) -> Int64 {
            ledger[key, default: 0].saturatingAdd(flushing[key]?.microUSD ?? 0).saturatingAdd(unflushed[key]?.microUSD ?? 0)
        }

        mutating func release(_ amount: Int64, from key: SpendKey) {
            reserved[key] = max(0, reserved[key, default: 0].saturatingSubtract(amount))
        }

        /// nil when refused, else the headroom's six figures.
        mutating func admit(id: TraceID, grant: KeyGrant, worstCase drawn: Int64, tokens: Int, now: Date) -> [Double]? {
            let worstCase = max(0, drawn)
            let second = Int64(now.timeIntervalSince1970.rounded(.down))
            if second - lastSweep >= 60 {
                lastSweep = second
                for (id, hold) in holds where hold.second < second - Metering.abandonedAfterSeconds {
                    holds[id] = nil
                    for key in hold.keys { release(hold.amount, from: key) }
                }
            }
            let keys = grant.budgets.map { $0.key(at: now) }
            for (scoped, key) in zip(grant.budgets, keys) {
                let used = spent(key).saturatingAdd(reserved[key, default: 0])
                if used >= scoped.budget.microUSD || used.saturatingAdd(worstCase) > scoped.budget.microUSD { return nil }
            }
            var headroom = Metering.Headroom()
            for scoped in grant.limits {
                let window = windows[scoped.scope, default: Window()]
                let usage = window.usage(at: second)
                if let limit = scoped.limits.requestsPerMinute {
                    if usage.requests.saturatingAdd(1) > limit { return nil }
                    headroom.note(
                        requests: limit, remaining: limit.saturatingSubtract(usage.requests).saturatingSubtract(1), reset: window.wait(at: second) { $0.requests < limit })
                }
                if let limit = scoped.limits.tokensPerMinute {
                    if usage.tokens.saturatingAdd(tokens) > limit { return nil }
                    headroom.note(
                        tokens: limit, remaining: limit.saturatingSubtract(usage.tokens).saturatingSubtract(tokens),
                        reset: window.wait(at: second) { $0.tokens.saturatingAdd(1) <= limit })
                }
            }
            for key in keys { reserved[key] = reserved[key, default: 0].saturatingAdd(worstCase) }
            for scoped in grant.limits { windows[scoped.scope, default: Window()].add(requests: 1, tokens: tokens, at: second) }
            if !keys.isEmpty || !grant.limits.isEmpty {
                holds[id] = Hold(keys: keys, amount: worstCase, scopes: grant.limits.map(\.scope), tokens: tokens, second: second)
            }
            return headroom.figures
        }

        mutating func settle(id: TraceID, cost: Int64, tokens: Int) {
            guard let hold = holds.removeValue(forKey: id) else { return }
            for key in hold.keys {
                release(hold.amount, from: key)
                let pending = unflushed[key] ?? (0, 0)
                unflushed[key] = (pending.microUSD.saturatingAdd(max(0, cost)), pending.requests.saturatingAdd(1))
            }
            for scope in hold.scopes { windows[scope]?.add(requests: 0, tokens: tokens.saturatingSubtract(hold.tokens), at: hold.second) }
        }

        mutating func beginFlush() -> [SpendDelta] {
            for (key, value) in unflushed {
                let pending = flushing[key] ?? (0, 0)
                flushing[key] = (pending.microUSD.saturatingAdd(value.microUSD), pending.requests.saturatingAdd(value.requests))
            }
            unflushed = [:]
            return flushing.map { SpendDelta(key: $0.key, microUSD: $0.value.microUSD, requests: $0.value.requests) }
        }

        mutating func endFlush(ledger: [SpendKey: Int64]?) {
            guard let ledger else { return }
            self.ledger = ledger
            flushing = [:]
        }

        mutating func reset(_ key: SpendKey) {
            (ledger[key], flushing[key], unflushed[key]) = (nil, nil, nil)
        }

        var unflushedMicroUSD: Int64 {
            (unflushed.values.map(\.microUSD) + flushing.values.map(\.microUSD)).reduce(0) { $0.saturatingAdd($1) }
        }
    }

    static let amounts: [Int64] = [0, 1, 7, 150, 999, 10_000, Int64.max / 2, Int64.max, -1, Int64.min]
    static let tokenCounts: [Int] = [0, 1, 40, 4_096, Int.max, -3, Int.min]

    /// Grants over a few shared scopes, so requests of different keys meet in the same accounts and windows.
    static func grants(using generator: inout SplitMix64) -> [KeyGrant] {
        let periods = Budget.Period.allCases
        let scopes = ["org/o", "project/p", "key/p/a", "key/p/b"]
        return (0..<4).map { index in
            let budgets = scopes.filter { _ in Bool.random(using: &generator) }.map { scope in
                ScopedBudget(scope: scope, budget: Budget(microUSD: [0, 500, 20_000, Int64.max].randomElement(using: &generator)!, period: periods.randomElement(using: &generator)!))
            }
            let limits = scopes.filter { _ in Int.random(in: 0..<3, using: &generator) == 0 }.map { scope in
                ScopedLimits(
                    scope: scope,
                    limits: RateLimits(requestsPerMinute: [nil, 1, 5, 1_000, Int.max].randomElement(using: &generator)!, tokensPerMinute: [nil, 100, 10_000, Int.max].randomElement(using: &generator)!))
            }
            return KeyGrant(keyID: "k\(index)", projectID: "p", orgID: "o", expiresAt: nil, budgets: budgets, limits: limits)
        }
    }

    @Test("drawn operations: every admission's answer and headers, every account's spend, the holds and each flush's batch agree with the model")
    func agreesWithModel() {
        var generator = SplitMix64(seed: 0x3E7E_12)
        for _ in 0..<60 {
            let grants = Self.grants(using: &generator)
            var keys = Set<SpendKey>()
            let metering = Metering()
            var model = Model()
            // Two seconds before a month, an ISO week and a day turn (Monday 1 February 2027):
            // settlements cross the boundary.
            var now = Date(timeIntervalSince1970: 1_801_439_998)
            var held: [(id: TraceID, hold: Holds.Ticket?)] = []
            for step in 0..<150 {
                switch Int.random(in: 0..<20, using: &generator) {
                case 0..<9:
                    let id = TraceID(high: 9, low: UInt64(step))
                    let grant = grants.randomElement(using: &generator)!
                    let worstCase = Self.amounts.randomElement(using: &generator)!
                    let tokens = Self.tokenCounts.randomElement(using: &generator)!
                    keys.formUnion(grant.budgets.map { $0.key(at: now) })
                    let expected = model.admit(id: id, grant: grant, worstCase: worstCase, tokens: tokens, now: now)
                    let result = metering.admit(grant: grant, worstCase: worstCase, tokens: tokens, now: now)
                    switch result {
                    case .success(let (headroom, hold)):
                        #expect(expected == headroom.figures, "step \(step)")
                        held.append((id, hold))
                    case .failure(let refusal):
                        #expect(expected == nil, "step \(step): refused (\(refusal)), the model admits")
                    }
                case 9..<14 where !held.isEmpty:
                    // One in four stays drawable: settled again, it changes nothing.
                    let index = Int.random(in: 0..<held.count, using: &generator)
                    let (id, hold) = Int.random(in: 0..<4, using: &generator) == 0 ? held[index] : held.remove(at: index)
                    let cost = Self.amounts.randomElement(using: &generator)!
                    let tokens = Self.tokenCounts.randomElement(using: &generator)!
                    model.settle(id: id, cost: cost, tokens: tokens)
                    if let hold { metering.settle(hold, cost: cost, tokens: tokens) }
                case 14:
                    #expect(metering.beginFlush().ordered == model.beginFlush().ordered, "step \(step)")
                case 15:
                    let ledger: [SpendKey: Int64]? =
                        Bool.random(using: &generator)
                        ? nil
                        : Dictionary(uniqueKeysWithValues: keys.filter { _ in Int.random(in: 0..<4, using: &generator) > 0 }.map { ($0, Self.amounts.randomElement(using: &generator)!) })
                    model.endFlush(ledger: ledger)
                    metering.endFlush(ledger: ledger)
                case 16 where !keys.isEmpty:
                    let key = keys.randomElement(using: &generator)!
                    model.reset(key)
                    metering.reset(key)
                default:
                    now += [1, 30, 61, 3_700].randomElement(using: &generator)!
                }
                for key in keys {
                    let spend = metering.spend(key)
                    #expect(spend.settled == model.spent(key) && spend.reserved == model.reserved[key, default: 0], "step \(step): \(key)")
                }
                #expect(metering.holds == model.holds.count && metering.unflushedMicroUSD == model.unflushedMicroUSD, "step \(step)")
            }
        }
    }
}

extension MeteringModelTests {
    @Test("a window's totals, kept between reads, agree with the model's sums over drawn adds, corrections, reuses and reads at any second")
    func windowAgreesWithModel() {
        var generator = SplitMix64(seed: 0x51_1D)
        for round in 0..<200 {
            let window = SlidingWindow()
            var model = Model.Window()
            var now: Int64 = 1_801_439_998
            for step in 0..<200 {
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<5:
                    let second = now - [0, 0, 0, 1, 59, 60, 61, 130].randomElement(using: &generator)!
                    let (count, tokens) = (Int.random(in: 0...1, using: &generator), Self.tokenCounts.randomElement(using: &generator)!)
                    window.add(requests: count, tokens: tokens, at: second)
                    model.add(requests: count, tokens: tokens, at: second)
                case 5..<8:
                    let second = now + [0, 0, 0, -1, 1, 59, 60].randomElement(using: &generator)!
                    let (got, expected) = (window.usage(at: second), model.usage(at: second))
                    #expect(got == expected, "round \(round), step \(step): at \(second - now)")
                case 8:
                    let limit = [1, 5, 100, Int.max].randomElement(using: &generator)!
                    #expect(window.secondsUntilRequestsFree(at: now, limit: limit) == model.wait(at: now) { $0.requests < limit }, "round \(round), step \(step)")
                    #expect(window.secondsUntilTokensFree(at: now, room: 1, limit: limit) == model.wait(at: now) { $0.tokens.saturatingAdd(1) <= limit }, "round \(round), step \(step)")
                default:
                    now += [1, 1, 30, 59, 60, 61, 200].randomElement(using: &generator)!
                }
            }
        }
    }
}

extension Metering.Headroom {
    /// The six figures the `x-ratelimit-*` headers carry.
    var figures: [Double] {
        [Double(limitRequests ?? -1), Double(remainingRequests), resetRequests, Double(limitTokens ?? -1), Double(remainingTokens), resetTokens]
    }
}

extension [SpendDelta] {
    /// In one order, to compare batches whatever order their dictionaries gave.
    var ordered: [SpendDelta] { sorted { ($0.key.scope, $0.key.periodStart) < ($1.key.scope, $1.key.periodStart) } }
}
