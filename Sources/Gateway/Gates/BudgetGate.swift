import GatewayModel
import HTTPTypes
import NIOCore
import WireJSON

import struct Foundation.Date

/// Stops requests over a USD budget (org, project, key) or over a requests- or tokens-per-minute
/// limit (project, key) with 429, `retry-after` and the `x-ratelimit-*` headers OpenAI clients read.
///
/// An admitted request reserves its worst-case cost (the prompt estimate plus `max_tokens`, or
/// ``defaultMaxOutputTokens``, at the dearest price among its route's targets) and its estimated
/// tokens, as a ``Reservation`` that the forwarding stage settles to the real figures.
struct BudgetGate: Gate {
    /// Output tokens assumed for a request that sets no `max_tokens`.
    static let defaultMaxOutputTokens = 4096

    let metering: Metering
    let now: @Sendable () -> Date
    var id: GateID { .budget }

    func evaluate(_ routed: Routed) throws(GateDenial) -> Admitted {
        let grant = routed.grant
        guard !grant.budgets.isEmpty || !grant.limits.isEmpty else { return Admitted(routed: routed, reservation: nil, headroom: nil) }
        let payload = routed.payload
        let prompt = Self.promptTokens(bodyBytes: payload.body.readableBytes)
        let output = routed.arrival.endpoint == .embeddings ? 0 : payload.maxTokens ?? Self.defaultMaxOutputTokens
        let worstCase = grant.budgets.isEmpty ? 0 : routed.prices.worstCase(input: prompt, output: output)
        switch metering.admit(grant: grant, worstCase: worstCase, tokens: prompt.saturatingAdd(output), now: now()) {
        case .success(let (headroom, hold)):
            return Admitted(routed: routed, reservation: hold.map { Reservation(metering: metering, hold: $0) }, headroom: headroom.isEmpty ? nil : headroom)
        case .failure(let refusal):
            throw refusal.denial(now: now())
        }
    }

    /// A cautious prompt estimate: one token per four bytes of the request body.
    static func promptTokens(bodyBytes: Int) -> Int { (bodyBytes + 3) / 4 }
}

extension Metering.Headroom {
    /// Whether no rate limit applies, so no `x-ratelimit-*` header is sent.
    var isEmpty: Bool { limitRequests == nil && limitTokens == nil }

    /// The most bytes of the `x-ratelimit-*` header lines that ``write(to:)`` writes: each number
    /// at its longest, so that no number is measured before it is written.
    var maxBytes: Int {
        (limitRequests == nil ? 0 : Self.requestLines.maxBytes) + (limitTokens == nil ? 0 : Self.tokenLines.maxBytes)
    }

    /// Writes the `x-ratelimit-*` header lines for the tightest limits, in wire form.
    func write(to out: inout HeadCursor) {
        if let limitRequests { Self.requestLines.write(limit: limitRequests, remaining: remainingRequests, reset: resetRequests, to: &out) }
        if let limitTokens { Self.tokenLines.write(limit: limitTokens, remaining: remainingTokens, reset: resetTokens, to: &out) }
    }

    /// The three lines of one limit, `x-ratelimit-limit-<unit>` and its remaining and reset twins,
    /// as the literals between their values: a head takes each in one copy.
    private struct Lines {
        /// `x-ratelimit-limit-<unit>: `.
        let limit: StaticString
        /// The limit's line end and `x-ratelimit-remaining-<unit>: `.
        let remaining: StaticString
        /// The remaining count's line end and `x-ratelimit-reset-<unit>: `.
        let reset: StaticString
        /// ``reset`` with the usual value of an admitted request, `0s`, and its line end.
        let zeroReset: StaticString

        /// Two numbers of up to 20 bytes (`Int.min` in decimal) and a reset of up to 24
        /// (``Metering/Headroom/duration(_:)`` of the largest whole number of seconds).
        var maxBytes: Int { limit.utf8CodeUnitCount + remaining.utf8CodeUnitCount + reset.utf8CodeUnitCount + 20 + 20 + 24 + 2 }

        func write(limit count: Int, remaining left: Int, reset seconds: Double, to out: inout HeadCursor) {
            out.write(literal: limit)
            out.write(decimal: count)
            out.write(literal: remaining)
            out.write(decimal: left)
            if Metering.Headroom.isZero(seconds) {
                out.write(literal: zeroReset)
            } else {
                out.write(literal: reset)
                out.write(Metering.Headroom.duration(seconds))
                out.write(literal: "\r\n")
            }
        }
    }

    private static let requestLines = Lines(
        limit: "x-ratelimit-limit-requests: ", remaining: "\r\nx-ratelimit-remaining-requests: ", reset: "\r\nx-ratelimit-reset-requests: ",
        zeroReset: "\r\nx-ratelimit-reset-requests: 0s\r\n")
    private static let tokenLines = Lines(
        limit: "x-ratelimit-limit-tokens: ", remaining: "\r\nx-ratelimit-remaining-tokens: ", reset: "\r\nx-ratelimit-reset-tokens: ",
        zeroReset: "\r\nx-ratelimit-reset-tokens: 0s\r\n")

    /// Whether a reset in `seconds` reads `0s`, an admitted request's usual value.
    private static func isZero(_ seconds: Double) -> Bool { seconds.rounded(.up) == 0 }

    /// OpenAI's reset format: `0s`, `12s`, `1m0s`.
    static func duration(_ seconds: Double) -> String {
        if isZero(seconds) { return "0s" }
        let whole = Int(seconds.rounded(.up))
        return whole >= 60 ? String(whole / 60) + "m" + String(whole % 60) + "s" : String(whole) + "s"
    }
}

extension Metering.Refusal {
    func denial(now: Date) -> GateDenial {
        var denial: GateDenial
        let retryAfter: Double
        switch self {
        case .budget(let scope, let budget, let spent, let resetsAt):
            let period = budget.period == .total ? "total" : budget.period.rawValue
            let reset = resetsAt.map { " It resets at \($0.formatted(.iso8601)) UTC." } ?? " It does not reset; raise it to continue."
            denial = GateDenial(
                gate: .budget, status: .tooManyRequests, reason: .budgetExceeded,
                message: "The \(period) budget of \(scope) is $\(MicroUSD.format(budget.microUSD)); $\(MicroUSD.format(spent)) is spent or reserved, "
                    + "so this request's worst case does not fit.\(reset) Lower max_tokens, or ask an operator to raise the budget.")
            retryAfter = resetsAt.map { max(1, $0.timeIntervalSince(now)) } ?? 3600
        case .requests(let scope, let limit, let wait):
            denial = GateDenial(
                gate: .budget, status: .tooManyRequests, reason: .rateLimitRequests,
                message: "\(scope) is limited to \(limit) requests per minute; retry in \(Int(wait.rounded(.up))) s.")
            retryAfter = wait
            denial.headers[.rateLimitLimitRequests] = String(limit)
            denial.headers[.rateLimitRemainingRequests] = "0"
            denial.headers[.rateLimitResetRequests] = Metering.Headroom.duration(wait)
        case .tokens(let scope, let limit, let needed, let wait):
            denial = GateDenial(
                gate: .budget, status: .tooManyRequests, reason: .rateLimitTokens,
                message: "\(scope) is limited to \(limit) tokens per minute and this request needs about \(needed) (prompt estimate plus max_tokens); "
                    + "retry in \(Int(wait.rounded(.up))) s, or lower max_tokens.")
            retryAfter = wait
            denial.headers[.rateLimitLimitTokens] = String(limit)
            denial.headers[.rateLimitRemainingTokens] = "0"
            denial.headers[.rateLimitResetTokens] = Metering.Headroom.duration(wait)
        }
        denial.headers[.retryAfter] = String(max(1, Int(retryAfter.rounded(.up))))
        return denial
    }
}

extension HTTPField.Name {
    static let rateLimitLimitRequests = Self("x-ratelimit-limit-requests")!
    static let rateLimitRemainingRequests = Self("x-ratelimit-remaining-requests")!
    static let rateLimitResetRequests = Self("x-ratelimit-reset-requests")!
    static let rateLimitLimitTokens = Self("x-ratelimit-limit-tokens")!
    static let rateLimitRemainingTokens = Self("x-ratelimit-remaining-tokens")!
    static let rateLimitResetTokens = Self("x-ratelimit-reset-tokens")!
}
