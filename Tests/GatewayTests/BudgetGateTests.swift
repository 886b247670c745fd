import GatewayModel
import Foundation
import NIOHTTP1
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import Gateway

@Suite("The budget gate: USD budgets and RPM/TPM limits")
struct BudgetGateTests {
    /// A clock the test moves.
    final class TestClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
    }

    /// A count tasks share.
    final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    static func config(_ edit: (inout Project) -> Void) -> GatewayConfig {
        var config = TestConfig.single(url: "http://127.0.0.1:9/v1")
        edit(&config.orgs[0].projects[0])
        return config
    }

    @Test("requests per minute: headers count down, the next request gets 429 with retry-after, the window slides")
    func requestsPerMinute() async throws {
        let clock = TestClock()
        let config = Self.config { $0.limits = RateLimits(requestsPerMinute: 3) }
        try await GatewayHarness.run(config, now: { clock.now }) { gateway in
            let body = GatewayHarness.chat("mock-gpt")
            for remaining in ["2", "1", "0"] {
                let answer = try await gateway.send("/v1/chat/completions", body: body)
                #expect(answer.status == 200)
                #expect(answer.headers["x-ratelimit-limit-requests"].first == "3")
                #expect(answer.headers["x-ratelimit-remaining-requests"].first == remaining)
                clock.advance(10)
            }
            let refused = try await gateway.send("/v1/chat/completions", body: body)
            #expect(refused.status == 429)
            #expect(refused.headers["x-gateway-gate"].first == "budget")
            #expect(refused.headers["retry-after"].first == "30")
            #expect(refused.headers["x-ratelimit-remaining-requests"].first == "0")
            #expect(refused.body.contains("\"code\":\"rate_limit_requests\"") && refused.body.contains("project/chatbot"))
            clock.advance(30)
            #expect(try await gateway.send("/v1/chat/completions", body: body).status == 200)
        }
    }

    @Test("tokens per minute count the prompt estimate plus max_tokens, then the real usage")
    func tokensPerMinute() async throws {
        let clock = TestClock()
        let config = Self.config { $0.keys[0].limits = RateLimits(tokensPerMinute: 300) }
        try await GatewayHarness.run(config, now: { clock.now }) { gateway in
            let small = GatewayHarness.chat("mock-gpt", extra: ",\"max_tokens\":100")
            let first = try await gateway.send("/v1/chat/completions", body: small)
            #expect(first.status == 200)
            #expect(first.headers["x-ratelimit-limit-tokens"].first == "300")
            let big = GatewayHarness.chat("mock-gpt", extra: ",\"max_tokens\":1000")
            let refused = try await gateway.send("/v1/chat/completions", body: big)
            #expect(refused.status == 429 && refused.body.contains("rate_limit_tokens") && refused.body.contains("key/chatbot/ci"))
            #expect(refused.headers["x-ratelimit-remaining-tokens"].first == "0")
            // After settling, the window holds the real usage (a few tokens), not the 100-token estimate.
            _ = await gateway.recorder.waitForRecords(2)
            let again = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("mock-gpt", extra: ",\"max_tokens\":200"))
            #expect(again.status == 200)
            clock.advance(61)
            #expect(try await gateway.send("/v1/chat/completions", body: small).headers["x-ratelimit-remaining-tokens"].first.flatMap(Int.init)! > 150)
        }
    }

    @Test("200 concurrent requests against a budget that fits 50: exactly 50 are served and the ledger holds their cost")
    func concurrentBudget() async throws {
        let body = GatewayHarness.chat("mock-gpt", extra: ",\"max_tokens\":40")
        let price = try #require(PriceTable.builtIn["mock-gpt"])
        let worstCase = price.cost(input: BudgetGate.promptTokens(bodyBytes: body.utf8.count), cachedInput: 0, output: 40)
        // The provider holds every answer until all 200 requests are decided: a settled request
        // costs less than its worst case, so an early answer would make room for a late request.
        let release = TestSignal()
        let upstream = FakeUpstream([.held(release, .json(status: 200, body: FakeUpstream.completion(model: "mock-gpt")))])
        try await upstream.run { url in
            var config = TestConfig.single(url: url)
            config.orgs[0].projects[0].routes = config.orgs[0].projects[0].routes.map { route in
                route.model == "mock-gpt" ? Route(model: "mock-gpt", targets: [RouteTarget(provider: "up", model: "mock-gpt")]) : route
            }
            config.orgs[0].projects[0].budget = Budget(microUSD: worstCase * 50, period: .monthly)
            let budget = try #require(config.orgs[0].projects[0].budget)
            try await GatewayHarness.run(config) { gateway in
                let refused = Count()
                let statuses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                    for _ in 0..<200 {
                        group.addTask {
                            let response = try await gateway.send("/v1/chat/completions", body: body)
                            if response.status == 429 { refused.value.add(1, ordering: .relaxed) }
                            return response
                        }
                    }
                    let decided = await Eventually.holds(within: .seconds(60)) { upstream.received.count >= 50 && refused.value.load(ordering: .relaxed) >= 150 }
                    #expect(decided, "50 requests reach the provider and 150 are refused before any answer")
                    release.fire()
                    return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0.status == 200 }.count == 50)
                #expect(statuses.filter { $0.status == 429 && $0.body.contains("budget_exceeded") }.count == 150)
                #expect(upstream.received.count == 50)
                let records = await gateway.recorder.waitForRecords(200)
                let served = records.filter { $0.status == 200 }
                let cost = try #require(served.first?.costMicroUSD)
                #expect(cost > 0 && cost <= worstCase && served.allSatisfy { $0.costMicroUSD == cost })
                let key = ScopedBudget(scope: "project/chatbot", budget: budget).key(at: Date())
                #expect(gateway.metering.spend(key) == (settled: cost * 50, reserved: 0))
                #expect(gateway.metering.holds == 0)
            }
        }
    }

    @Test("a spent budget refuses with the scope and amounts; it resets when its period rolls over, a total budget never does")
    func rollover() async throws {
        let clock = TestClock()
        clock.time.withLock { $0 = Date(timeIntervalSince1970: 1_800_057_599) }  // 2027-01-15 23:59:59 UTC
        let config = Self.config { project in
            project.budget = Budget(microUSD: 10_000, period: .daily)
            project.keys[0].budget = Budget(microUSD: 50_000, period: .total)
        }
        try await GatewayHarness.run(config, now: { clock.now }) { gateway in
            let body = GatewayHarness.chat("mock-gpt", extra: ",\"max_tokens\":10")
            let today = SpendKey(scope: "project/chatbot", periodStart: 1_799_971_200_000)
            let total = SpendKey(scope: "key/chatbot/ci", periodStart: 0)
            gateway.metering.endFlush(ledger: [today: 10_000, total: 20_000])
            let refused = try await gateway.send("/v1/chat/completions", body: body)
            #expect(refused.status == 429 && refused.headers["retry-after"].first == "1")
            #expect(refused.body.contains("daily budget of project/chatbot is $0.01; $0.01 is spent or reserved"))
            clock.advance(1)
            #expect(try await gateway.send("/v1/chat/completions", body: body).status == 200)
            gateway.metering.endFlush(ledger: [total: 50_000])
            clock.advance(86_400 * 40)
            let forever = try await gateway.send("/v1/chat/completions", body: body)
            #expect(forever.status == 429 && forever.body.contains("total budget of key/chatbot/ci") && forever.body.contains("does not reset"))
        }
    }

    @Test("a model without a price costs nothing in the sums and is flagged unpriced")
    func unpriced() async throws {
        var config = TestConfig.single(url: "http://127.0.0.1:9/v1")
        config.orgs[0].projects[0].routes.append(Route(model: "house-model", targets: [RouteTarget(provider: "mock", model: "house-model-v2")]))
        try await GatewayHarness.run(config) { gateway in
            #expect(try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("house-model")).status == 200)
            #expect(try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("mock-gpt")).status == 200)
            let records = await gateway.recorder.waitForRecords(2)
            #expect(records[0].costFlags == .unpriced && records[0].costMicroUSD == 0 && records[0].outputTokens > 0)
            let price = try #require(PriceTable.builtIn["mock-gpt"])
            #expect(records[1].costFlags.isEmpty)
            #expect(records[1].costMicroUSD == price.cost(input: Int(records[1].inputTokens), cachedInput: 0, output: Int(records[1].outputTokens)))
        }
    }
}
