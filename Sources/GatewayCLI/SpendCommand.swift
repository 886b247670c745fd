import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOHTTP1
import Foundation

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
