import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOHTTP1
import Foundation

/// `gateway apply -f FILE`: applies a configuration file to the control plane's store.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Apply a configuration file to a running control plane (declarative, idempotent).")

    @Option(name: .customShort("f"), help: "The YAML configuration file.")
    var file: String

    @OptionGroup var admin: AdminOptions

    func run() async throws {
        _ = try ConfigSource.load(path: file)
        let text = try String(contentsOf: URL(fileURLWithPath: file), encoding: .utf8)
        let answer = try await admin.client.send(.POST, "/admin/v1/apply", text: text)
        let changes = (answer as? [String: Any])?["changes"] as? [[String: Any]] ?? []
        try show(
            answer, as: admin.output, columns: ["action", "object", "version"],
            rows: changes.map { [cell($0["action"]), cell($0["object"]), cell($0["version"])] })
        if admin.output == .table && changes.isEmpty { print("no changes") }
    }
}

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

/// `--org ORG --project PROJECT`, and the admin path they name.
struct ProjectScope: ParsableArguments {
    @Option var org: String
    @Option var project: String
    var path: String { "/admin/v1/orgs/\(org)/projects/\(project)" }
}

/// Prints the outcome of a change.
func showChange(_ answer: Any, _ format: OutputFormat) throws {
    let changes = (answer as? [String: Any])?["changes"] as? [[String: Any]] ?? []
    try show(answer, as: format, columns: ["action", "object", "version"], rows: changes.map { [cell($0["action"]), cell($0["object"]), cell($0["version"])] })
}

/// `gateway spend list|reset`: budgets with their current spend; reset one.
struct SpendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spend", abstract: "Show each budget's spend in its current period, or reset one.", subcommands: [List.self, Reset.self])

    struct List: AsyncParsableCommand {
        @Option(help: "Only scopes starting with this, e.g. project/ or org/acme.") var scope: String?
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let query = scope.map { "?scope=\($0)" } ?? ""
            let answer = try await admin.client.send(.GET, "/admin/v1/spend" + query)
            try show(answer, as: admin.output, columns: SpendCommand.columns, rows: SpendCommand.rows(((answer as? [String: Any])?["budgets"] as? [[String: Any]]) ?? []))
        }
    }

    struct Reset: AsyncParsableCommand {
        @Argument(help: "The budget's scope: org/ID, project/ID or key/PROJECT/ID.") var scope: String
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let answer = try await admin.client.send(.POST, "/admin/v1/spend/reset", json: ["scope": scope])
            try show(answer, as: admin.output, columns: SpendCommand.columns, rows: SpendCommand.rows([answer as? [String: Any] ?? [:]]))
        }
    }

    static let columns = ["scope", "period", "budget", "spent", "remaining", "resets"]

    static func rows(_ budgets: [[String: Any]]) -> [[String]] {
        budgets.map {
            [cell($0["scope"]), cell($0["period"]), "$" + cell($0["budgetUSD"]), "$" + cell($0["spentUSD"]), "$" + cell($0["remainingUSD"]), cell($0["resetsAt"])]
        }
    }
}
