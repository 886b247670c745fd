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
