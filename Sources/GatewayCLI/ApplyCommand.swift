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
