import ArgumentParser
import AsyncHTTPClient
import Collector
import ControlPlane
import ControlPlaneClient
import GatewayModel
import Foundation
import NIOCore
import NIOHTTP1

/// `gateway explain REQUEST_ID`: which gate stopped a request, why, and what to change.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the gate trace of a recent request: which gate decided it, why, and what to change."
    )

    @Argument(help: "The request id (the x-request-id response header).")
    var requestID: String

    @Option(help: "The admin listener's URL.")
    var adminURL = "http://127.0.0.1:8081"

    @Option(help: "Read through an org's telemetry API (with an org token) instead of the platform endpoint.")
    var org: String?

    @Option(help: "Environment variable holding the token (the admin token, or an org telemetry token with --org).")
    var tokenEnv = "GATEWAY_ADMIN_TOKEN"

    func run() async throws {
        let path = org.map { "/telemetry/v1/orgs/\($0)/requests/\(requestID)" } ?? "/telemetry/v1/requests/\(requestID)"
        var request = HTTPClientRequest(url: adminURL.trimmingSuffix("/") + path)
        if let token = ProcessInfo.processInfo.environment[tokenEnv] { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        guard response.status.code == 200 else {
            printError("explain failed (\(response.status.code)): \(String(buffer: body))")
            throw ExitCode(1)
        }
        let view = try JSONDecoder().decode(RequestView.self, from: Data(body.readableBytesView))
        print(ExplainText.render(view))
    }
}

/// The readable form of a request's gate trace.
enum ExplainText {
    static func render(_ view: RequestView) -> String {
        var lines = ["request \(view.requestId)  \(view.operation)  status \(view.status)  \(String(format: "%.3f", view.durationMs)) ms  at \(view.startTime)"]
        lines.append("  org \(view.org)  project \(view.project ?? "-")  key \(view.key ?? "-")  model \(view.model ?? "-")")
        if let provider = view.provider {
            lines.append("  provider \(provider) (model \(view.routedModel ?? "-"), \(view.attempts) attempt\(view.attempts == 1 ? "" : "s"))  tokens in \(view.inputTokens) (cached \(view.cachedInputTokens)) out \(view.outputTokens)  cost $\(MicroUSD.format(view.costMicroUSD)) (\(view.costBasis))")
        }
        lines.append("gates:")
        for gate in view.gates {
            let mark = gate.decision == "pass" ? "pass " : gate.decision.uppercased()
            lines.append("  \(mark.padding(toLength: 6, withPad: " ", startingAt: 0)) \(gate.gate.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%9.3f", gate.durationMs)) ms\(gate.reason.map { "  \($0)" } ?? "")")
        }
        if let gate = view.decidedBy, view.decision != "pass" {
            lines.append("stopped by \(gate): \(view.reason ?? "unknown reason")")
        } else if let reason = view.reason {
            lines.append("served by the provider, then: \(reason)")
        } else {
            lines.append("served")
        }
        if let hint = view.hint { lines.append("what to change: \(hint)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
