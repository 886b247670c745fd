import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOHTTP1
import Foundation

/// `gateway projects list|create|delete --org ORG`.
struct ProjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects", abstract: "List, create and delete an org's projects.", subcommands: [List.self, Create.self, Delete.self])

    struct List: AsyncParsableCommand {
        @Option var org: String
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let answer = try await admin.client.send(.GET, "/admin/v1/orgs/\(org)/projects")
            let projects = (answer as? [String: Any])?["projects"] as? [[String: Any]] ?? []
            try show(
                answer, as: admin.output, columns: ["id", "routes", "keys", "budget", "limits"],
                rows: projects.map {
                    [
                        cell($0["id"]), cell(($0["routes"] as? [[String: Any]])?.map { $0["model"] }), cell(($0["keys"] as? [[String: Any]])?.map { $0["id"] }),
                        cell($0["budget"]), cell($0["limits"]),
                    ]
                })
        }
    }

    struct Create: AsyncParsableCommand {
        @Argument var id: String
        @Option var org: String
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try show(try await admin.client.send(.POST, "/admin/v1/orgs/\(org)/projects", json: ["id": id]), as: admin.output, columns: ["created"], rows: [["project/\(id)"]])
        }
    }

    struct Delete: AsyncParsableCommand {
        @Argument var id: String
        @Option var org: String
        @OptionGroup var admin: AdminOptions
        func run() async throws { try showChange(try await admin.client.send(.DELETE, "/admin/v1/orgs/\(org)/projects/\(id)"), admin.output) }
    }
}
