import ControlPlane
import Foundation
import GatewayModel
import Testing

@Suite("Prices, costs in micro-USD, dollar amounts and budget periods")
struct MoneyTests {
    static let mini = PriceTable.builtIn["gpt-4o-mini"]!  // 0.15 / 0.075 / 0.60 USD per million

    @Test(
        "costs match hand-computed values",
        arguments: [
            // (input, cached, output, micro-USD): uncached × 0.15 + cached × 0.075 + output × 0.60 per million tokens, rounded up
            (1_000_000, 0, 0, Int64(150_000)),
            (0, 0, 1_000_000, Int64(600_000)),
            (1_000_000, 1_000_000, 0, Int64(75_000)),
            (1_000_000, 400_000, 500_000, Int64(90_000 + 30_000 + 300_000)),
            (10, 0, 0, Int64(2)),  // 1.5 micro-USD rounds up
            (1, 0, 0, Int64(1)),
            (0, 0, 0, Int64(0)),
            (2_000_000_000, 0, 2_000_000_000, Int64(300_000_000 + 1_200_000_000)),
            (100, 500, 0, Int64(8)),  // cached beyond input counts as input: 100 × 0.075 = 7.5
        ])
    func cost(input: Int, cached: Int, output: Int, expected: Int64) {
        #expect(Self.mini.cost(input: input, cachedInput: cached, output: output) == expected)
    }

    @Test(
        "cache writes cost their own price, clamped to the prompt",
        arguments: [
            // claude-sonnet-4-5: 3 input, 0.30 cache reads, 3.75 cache writes, 15 output per million
            // (input with reads and writes, reads, writes, output, micro-USD)
            (1_000_000, 0, 1_000_000, 0, Int64(3_750_000)),
            (1_000_000, 200_000, 300_000, 0, Int64(1_500_000 + 60_000 + 1_125_000)),
            (1_000, 0, 0, 100, Int64(3_000 + 1_500)),
            (100, 60, 500, 0, Int64(18 + 150)),  // writes beyond the uncached rest are clamped to it: 60 × 0.3 + 40 × 3.75
            (Int.max, Int.max, Int.max, Int.max, Int64.max / 1_000_000 + 1),
            (-5, -5, -5, -5, Int64(0)),
        ])
    func cacheWrites(input: Int, cached: Int, written: Int, output: Int, expected: Int64) {
        let price = PriceTable.builtIn["claude-sonnet-4-5"]!
        #expect(price.cost(input: input, cachedInput: cached, cacheWrite: written, output: output) == expected)
    }

    @Test("a million small requests add up in integers, exactly")
    func noDrift() {
        let price = Price(model: "m", inputPerMillion: 100_000, outputPerMillion: 400_000)  // 0.1 and 0.4 USD per million
        var total: Int64 = 0
        for _ in 0..<1_000_000 { total += price.cost(input: 30, cachedInput: 0, output: 5) }  // 3 + 2 = 5 micro-USD each
        #expect(total == 5_000_000)
        #expect(MicroUSD.format(total) == "5")
    }

    @Test("huge counts saturate instead of overflowing")
    func saturation() {
        let price = Price(model: "m", inputPerMillion: Int64.max / 2, outputPerMillion: Int64.max / 2)
        #expect(price.cost(input: Int.max, cachedInput: 0, output: Int.max) == Int64.max / 1_000_000 + 1)
    }

    @Test("dollar amounts parse exactly and format back")
    func dollars() {
        #expect(MicroUSD.parse("12") == 12_000_000)
        #expect(MicroUSD.parse("0.000001") == 1)
        #expect(MicroUSD.parse("100.50") == 100_500_000)
        for bad in ["", "-1", "1.", ".5", "1.0000001", "1e3", "abc", "1,5", "9999999999999"] { #expect(MicroUSD.parse(bad) == nil, "\(bad)") }
        #expect(MicroUSD.format(100_500_000) == "100.5")
        #expect(MicroUSD.format(1) == "0.000001")
        #expect(MicroUSD.format(0) == "0")
    }

    @Test("built-in prices carry the date they were taken; the file overrides them")
    func table() throws {
        #expect(PriceTable.builtIn.values.allSatisfy { [PriceTable.takenOn, PriceTable.providersTakenOn].contains($0.takenOn) })
        for model in ["gpt-4o", "claude-sonnet-4-5", "claude-haiku-4-5", "gemini-2.5-pro", "gemini-2.5-flash", "mistral-large-latest", "text-embedding-3-small"] {
            #expect(PriceTable.builtIn[model] != nil, "\(model)")
        }
        // Anthropic's cache writes cost 1.25 times the input; Google's have no price of their own.
        #expect(PriceTable.builtIn["claude-sonnet-4-5"]?.cacheWritePerMillion == 3_750_000)
        #expect(PriceTable.builtIn["gemini-2.5-flash"]?.cacheWritePerMillion == nil)
        let config = try ConfigFileLoader.load(yaml: "prices: [{ model: gpt-4o-mini, inputPerMillion: 1, outputPerMillion: \"2.5\" }]")
        let snapshot = SnapshotIndex(version: 1, config: config)
        #expect(snapshot.price(model: "gpt-4o-mini") == Price(model: "gpt-4o-mini", inputPerMillion: 1_000_000, outputPerMillion: 2_500_000))
        #expect(snapshot.price(model: "gpt-4o") == PriceTable.builtIn["gpt-4o"])
        #expect(snapshot.price(model: "no-such-model") == nil)
    }

    @Test("budget periods follow the UTC calendar: day, ISO week from Monday, month, and all time")
    func periods() {
        let friday = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 is a Friday; 08:00:00Z
        let day = Budget.Period.daily.interval(containing: friday)
        #expect(day.start == Date(timeIntervalSince1970: 1_799_971_200) && day.end == Date(timeIntervalSince1970: 1_800_057_600))
        let week = Budget.Period.weekly.interval(containing: friday)
        #expect(week.start == Date(timeIntervalSince1970: 1_799_971_200 - 4 * 86_400))
        let month = Budget.Period.monthly.interval(containing: friday)
        #expect(month.start == Date(timeIntervalSince1970: 1_798_761_600) && month.end == Date(timeIntervalSince1970: 1_801_440_000))
        #expect(Budget.Period.total.interval(containing: friday).start == Date(timeIntervalSince1970: 0))
        #expect(Budget.Period.total.interval(containing: friday).end == nil)
    }
}
