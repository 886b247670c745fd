import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOHTTP1
import Foundation

/// `gateway orgs list|create|delete`.
struct OrgsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orgs", abstract: "List, create and delete organizations.", subcommands: [List.self, Create.self, Delete.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let answer = try await admin.client.send(.GET, "/admin/v1/orgs")
            let orgs = (answer as? [String: Any])?["orgs"] as? [[String: Any]] ?? []
            try show(answer, as: admin.output, columns: ["id", "projects", "budget"], rows: orgs.map { [cell($0["id"]), cell($0["projects"]), cell($0["budget"])] })
        }
    }

    struct Create: AsyncParsableCommand {
        @Argument var id: String
        @Option(help: "SHA-256 hex of a token that may read this org's telemetry (repeatable).")
        var telemetryTokenSha256: [String] = []
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try show(
                try await admin.client.send(.POST, "/admin/v1/orgs", json: ["id": id, "telemetryTokenSha256": telemetryTokenSha256]),
                as: admin.output, columns: ["created"], rows: [["org/\(id)"]])
        }
    }

    struct Delete: AsyncParsableCommand {
        @Argument var id: String
        @OptionGroup var admin: AdminOptions
        func run() async throws { try showChange(try await admin.client.send(.DELETE, "/admin/v1/orgs/\(id)"), admin.output) }
    }
}
