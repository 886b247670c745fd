import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Options every command that talks to the admin API shares.
struct AdminOptions: ParsableArguments {
    @Option(help: "The admin listener's URL (default: $GATEWAY_ADMIN_URL, else http://127.0.0.1:8081).")
    var adminURL = ProcessInfo.processInfo.environment["GATEWAY_ADMIN_URL"] ?? "http://127.0.0.1:8081"

    @Option(help: "Environment variable holding the admin token.")
    var tokenEnv = "GATEWAY_ADMIN_TOKEN"

    @Option(help: "table (for people) or json (for scripts).")
    var output: OutputFormat = .table

    var client: AdminClient { AdminClient(baseURL: adminURL, token: ProcessInfo.processInfo.environment[tokenEnv]) }
}
