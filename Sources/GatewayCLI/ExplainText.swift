import ArgumentParser
import AsyncHTTPClient
import Collector
import ControlPlane
import ControlPlaneClient
import GatewayModel
import Foundation
import NIOCore
import NIOHTTP1

/// The readable form of a request's gate trace.
enum ExplainText {
    static func render(_ view: RequestView) -> String {
        var lines = ["request \(view.requestId)  \(view.operation)  status \(view.status)  \(String(format: "%.3f", view.durationMs)) ms  at \(view.startTime)"]
        if let mcp = view.mcp {
            lines.append("  org \(view.org)  project \(view.project ?? "-")  key \(view.key ?? "-")  mcp server \(mcp.server ?? "-")  method \(mcp.method ?? "-")  tool \(mcp.tool ?? "-")")
        } else {
            lines.append("  org \(view.org)  project \(view.project ?? "-")  key \(view.key ?? "-")  model \(view.model ?? "-")")
        }
        if let provider = view.provider {
            lines.append("  provider \(provider) (model \(view.routedModel ?? "-"), \(view.attempts) attempt\(view.attempts == 1 ? "" : "s"))  tokens in \(view.inputTokens) (cached \(view.cachedInputTokens)) out \(view.outputTokens)  cost $\(MicroUSD.format(view.costMicroUSD)) (\(view.costBasis))")
        }
        lines.append("gates:")
        for gate in view.gates {
            let mark = gate.decision == "pass" ? "pass " : gate.decision.uppercased()
            lines.append("  \(mark.padding(toLength: 6, withPad: " ", startingAt: 0)) \(gate.gate.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%9.3f", gate.durationMs)) ms\(gate.reason.map { "  \($0)" } ?? "")")
        }
        if !view.guardrailFindings.isEmpty { lines.append("guardrail findings:") }
        for finding in view.guardrailFindings {
            let place = finding.direction == "input" ? "message \(finding.message)" : "the answer"
            lines.append("  \(finding.action.padding(toLength: 8, withPad: " ", startingAt: 0)) \(finding.check) \(finding.type) x\(finding.count) in \(place)")
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
