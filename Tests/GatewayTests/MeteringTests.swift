import GatewayModel
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Gateway

@Suite("Metering reservations and the spend ledger flush")
struct MeteringTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let budget = ScopedBudget(scope: "project/p", budget: Budget(microUSD: 500, period: .monthly))
    static let grant = KeyGrant(keyID: "k", projectID: "p", orgID: "o", expiresAt: nil, budgets: [budget])

    @Test("200 concurrent reservations against a budget of 50: 50 admitted, and settling at the worst case fills it exactly")
    func concurrentReservations() async {
        let metering = Metering()
        let admitted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    guard case .success(let (_, hold?)) = metering.admit(grant: Self.grant, worstCase: 10, tokens: 1, now: Self.now) else { return 0 }
                    metering.settle(hold, cost: 10, tokens: 1)
                    return 1
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 50)
        #expect(metering.spend(Self.budget.key(at: Self.now)) == (settled: 500, reserved: 0))
        let deltas = metering.beginFlush()
        #expect(deltas == [SpendDelta(key: Self.budget.key(at: Self.now), microUSD: 500, requests: 50)])
    }

    @Test("a route's worst case, from the prices kept for it, is the dearest of every model's: drawn prices and token counts")
    func routeWorstCase() {
        var generator = SplitMix64(seed: 0x0B0D_6E7)
        let rates: [Int64] = [0, 1, 150_000, 600_000, 2_500_000, 10_000_000, Int64.max / 2, Int64.max]
        for _ in 0..<2_000 {
            var table: [String: Price] = [:]
            for name in ["a", "b", "c", "d"] where Bool.random(using: &generator) {
                table[name] = Price(model: name, inputPerMillion: rates.randomElement(using: &generator)!, outputPerMillion: rates.randomElement(using: &generator)!)
            }
            let targets = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                RouteTarget(provider: "p", model: ["a", "b", "c", "d", "x"].randomElement(using: &generator)!)
            }
            let route = Route(model: ["a", "b", "x"].randomElement(using: &generator)!, targets: targets)
            let prices = RoutePrices(route: route) { table[$0] }
            #expect(prices.prices.count <= Set(([route.model] + targets.map(\.model)).filter { table[$0] != nil }).count)
            for _ in 0..<5 {
                let input = [0, 1, 999, 1 << 20, Int.max, -5].randomElement(using: &generator)!
                let output = [0, 1, 4096, 1 << 30, Int.max, -1].randomElement(using: &generator)!
                let naive = ([route.model] + targets.map(\.model)).compactMap { table[$0]?.cost(input: input, cachedInput: 0, output: output) }.max() ?? 0
                #expect(prices.worstCase(input: input, output: output) == naive, "\(table) \(route)")
            }
        }
    }

    @Test("a failed flush keeps its batch for the next one; a successful one takes the ledger's totals")
    func flush() async {
        struct LedgerDown: Error {}
        final class Ledger: SpendLedger {
            let fail: Bool
            let written = Mutex<[SpendDelta]>([])
            init(fail: Bool) { self.fail = fail }
            func exchange(_ deltas: [SpendDelta], since: Int64) async throws -> [SpendKey: Int64] {
                if fail { throw LedgerDown() }
                written.withLock { $0 += deltas }
                return Dictionary(written.withLock { $0 }.map { ($0.key, $0.microUSD) }, uniquingKeysWith: +)
            }
        }
        let metering = Metering()
        let key = Self.budget.key(at: Self.now)
        guard case .success(let (_, hold?)) = metering.admit(grant: Self.grant, worstCase: 100, tokens: 1, now: Self.now) else {
            Issue.record("not admitted")
            return
        }
        metering.settle(hold, cost: 40, tokens: 1)
        let down = SpendSync(metering: metering, ledger: Ledger(fail: true), logger: Logger(label: "test"))
        #expect(await down.flush() == true)
        #expect(metering.flushFailures == 1 && metering.unflushedMicroUSD == 40)
        #expect(metering.spend(key).settled == 40, "unwritten spend still counts against the budget")
        let up = Ledger(fail: false)
        #expect(await SpendSync(metering: metering, ledger: up, logger: Logger(label: "test")).flush() == false)
        #expect(up.written.withLock { $0 } == [SpendDelta(key: key, microUSD: 40, requests: 1)])
        #expect(metering.unflushedMicroUSD == 0 && metering.spend(key).settled == 40)
        // Another replica's spend arrives with the ledger's totals.
        metering.endFlush(ledger: [key: 470])
        if case .success = metering.admit(grant: Self.grant, worstCase: 31, tokens: 1, now: Self.now) {
            Issue.record("470 + 31 is over the budget of 500")
        }
    }
}

extension MeteringTests {
    @Test("a reservation whose request never settles is released after an hour")
    func abandoned() {
        let metering = Metering()
        let key = Self.budget.key(at: Self.now)
        let abandoned = metering.admit(grant: Self.grant, worstCase: 400, tokens: 1, now: Self.now)
        #expect(metering.spend(key).reserved == 400)
        let later = Self.now.addingTimeInterval(3601 + 60)
        guard case .success = metering.admit(grant: Self.grant, worstCase: 400, tokens: 1, now: later) else {
            Issue.record("the abandoned reservation still holds the budget")
            return
        }
        #expect(metering.spend(key) == (settled: 0, reserved: 400) && metering.holds == 1)
        guard case .success(let (_, hold?)) = abandoned else {
            Issue.record("the first request fits")
            return
        }
        metering.settle(hold, cost: 400, tokens: 1)
        #expect(metering.spend(key) == (settled: 0, reserved: 400) && metering.holds == 1, "a released hold settles nothing")
    }
}
