import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOHTTP1
import Foundation

/// `gateway routes list|create|delete --org ORG --project PROJECT`.
struct RoutesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes", abstract: "List, create and delete a project's routes.", subcommands: [List.self, Create.self, Delete.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var scope: ProjectScope
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let answer = try await admin.client.send(.GET, scope.path + "/routes")
            let routes = (answer as? [String: Any])?["routes"] as? [[String: Any]] ?? []
            try show(
                answer, as: admin.output, columns: ["model", "targets"],
                rows: routes.map { route in
                    let targets = (route["targets"] as? [[String: Any]] ?? []).map { "\(cell($0["provider"])):\(cell($0["model"])):\(cell($0["weight"]))" }
                    return [cell(route["model"]), targets.joined(separator: " ")]
                })
        }
    }

    struct Create: AsyncParsableCommand {
        @Argument(help: "The model name clients send.") var model: String
        @Option(help: "provider:model[:weight] (repeatable; weight 0 makes a fallback).") var target: [String]
        @OptionGroup var scope: ProjectScope
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let targets: [[String: Any]] = try target.map { text in
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 || parts.count == 3, let weight = parts.count == 3 ? Int(parts[2]) : 1 else {
                    throw ValidationError("--target takes provider:model[:weight], got \(text)")
                }
                return ["provider": parts[0], "model": parts[1], "weight": weight]
            }
            try show(
                try await admin.client.send(.POST, scope.path + "/routes", json: ["model": model, "targets": targets]),
                as: admin.output, columns: ["created"], rows: [["route/\(scope.project)/\(model)"]])
        }
    }

    struct Delete: AsyncParsableCommand {
        @Argument var model: String
        @OptionGroup var scope: ProjectScope
        @OptionGroup var admin: AdminOptions
        func run() async throws { try showChange(try await admin.client.send(.DELETE, scope.path + "/routes/" + AdminClient.escaped(model)), admin.output) }
    }
}
