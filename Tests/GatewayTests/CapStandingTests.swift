import Foundation
import GatewayModel
import Testing

@testable import Gateway

@Suite("Where each capped scope stands: budget spend and rate-limit use")
struct CapStandingTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let config = GatewayConfig(orgs: [
        Org(
            id: "acme",
            projects: [
                Project(
                    id: "chatbot",
                    keys: [
                        APIKey(id: "ci", sha256: String(repeating: "a", count: 64), limits: RateLimits(requestsPerMinute: 5)),
                        APIKey(id: "free", sha256: String(repeating: "b", count: 64)),
                    ],
                    budget: Budget(microUSD: 1_000, period: .daily), limits: RateLimits(tokensPerMinute: 100)),
                Project(id: "uncapped"),
            ],
            budget: Budget(microUSD: 9_000, period: .monthly)),
        Org(id: "globex", projects: [Project(id: "search")]),
    ])

    @Test("the snapshot lists the capped scopes only, with the names the ledger and the windows use")
    func cappedScopes() {
        let caps = SnapshotIndex(version: 1, config: Self.config).caps
        #expect(caps.map(\.name) == ["org/acme", "project/chatbot", "key/chatbot/ci"])
        #expect(caps.map(\.level) == [.org, .project, .key])
        #expect(caps.allSatisfy { $0.org == "acme" })
    }

    @Test("spend, reservations in flight and the sliding minute's use, per scope")
    func standings() throws {
        let snapshot = SnapshotIndex(version: 1, config: Self.config)
        let grant = try #require(snapshot.key(hash: String(repeating: "a", count: 64)))
        let metering = Metering()
        guard case .success(let (_, settled?)) = metering.admit(grant: grant, worstCase: 300, tokens: 40, now: Self.now),
            case .success = metering.admit(grant: grant, worstCase: 200, tokens: 10, now: Self.now)
        else {
            Issue.record("both requests fit")
            return
        }
        metering.settle(settled, cost: 120, tokens: 30)
        let standings = Dictionary(uniqueKeysWithValues: metering.standings(of: snapshot.caps, now: Self.now).map { ($0.caps.name, $0) })
        #expect(standings["org/acme"]?.spentMicroUSD == 120)
        #expect(standings["org/acme"]?.reservedMicroUSD == 200)
        #expect(standings["project/chatbot"]?.spentMicroUSD == 120)
        #expect(standings["project/chatbot"]?.tokensInWindow == 40, "30 settled plus the 10 still estimated")
        #expect(standings["key/chatbot/ci"]?.requestsInWindow == 2)
        #expect(standings["key/chatbot/ci"]?.spentMicroUSD == 0, "the key has no budget")
        let later = metering.standings(of: snapshot.caps, now: Self.now.addingTimeInterval(61))
        #expect(later.allSatisfy { $0.requestsInWindow == 0 && $0.tokensInWindow == 0 }, "the minute has passed")
        let nextDay = metering.standings(of: snapshot.caps, now: Self.now.addingTimeInterval(86_400))
        #expect(nextDay.first { $0.caps.name == "project/chatbot" }?.spentMicroUSD == 0, "a daily budget starts over")
        #expect(nextDay.first { $0.caps.name == "org/acme" }?.spentMicroUSD == 120, "a monthly one does not")
    }
}
