import Foundation
import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOHTTP1

/// `gateway keys ...`: manage a project's keys through the admin API, or hash keys for the file.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys through the admin API, or create and hash keys for the configuration file.",
        subcommands: [List.self, Create.self, Revoke.self, Delete.self, Hash.self, Generate.self]
    )

    /// `gateway keys list --org ORG --project PROJECT [--prefix sk-gw-...]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a project's keys (never their secrets).")
        @Option(help: "Only keys whose secret starts with this (or a whole key).") var prefix: String?
        @OptionGroup var scope: ProjectScope
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let query = prefix.map { "?prefix=\(AdminClient.escaped($0))" } ?? ""
            let answer = try await admin.client.send(.GET, scope.path + "/keys" + query)
            let keys = (answer as? [String: Any])?["keys"] as? [[String: Any]] ?? []
            try show(
                answer, as: admin.output, columns: ["id", "prefix", "status", "scopes", "created", "expires"],
                rows: keys.map {
                    let scopes = ($0["scopes"] as? [String])?.joined(separator: ",") ?? "all"
                    return [cell($0["id"]), cell($0["prefix"]), cell($0["status"]), scopes, cell($0["createdAt"]), cell($0["expiresAt"])]
                })
        }
    }

    /// `gateway keys create ID --org ORG --project PROJECT [--expires-at TIME] [--scope chat ...]`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; its secret is printed once.")
        @Argument var id: String
        @Option(help: "RFC 3339 expiry, e.g. 2027-01-01T00:00:00Z.") var expiresAt: String?
        @Option(
            name: .customLong("scope"),
            help: "An operation the key may call: \(KeyScope.allCases.map(\.rawValue).joined(separator: ", ")); repeat it. Default: all.")
        var scopes: [String] = []
        @OptionGroup var scope: ProjectScope
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            var body: [String: Any] = ["id": id]
            if let expiresAt { body["expiresAt"] = expiresAt }
            if !scopes.isEmpty { body["scopes"] = scopes }
            let answer = try await admin.client.send(.POST, scope.path + "/keys", json: body)
            let secret = cell((answer as? [String: Any])?["key"])
            try show(answer, as: admin.output, columns: ["id", "key"], rows: [[id, secret]])
            if admin.output == .table { print("Store this key now: it cannot be shown again.") }
        }
    }

    /// `gateway keys revoke ID --org ORG --project PROJECT`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; gateways refuse it within a second.")
        @Argument var id: String
        @OptionGroup var scope: ProjectScope
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let answer = try await admin.client.send(.POST, scope.path + "/keys/\(id)/revoke")
            try show(answer, as: admin.output, columns: ["id", "status"], rows: [[id, cell((answer as? [String: Any])?["status"])]])
        }
    }

    /// `gateway keys delete ID --org ORG --project PROJECT`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key.")
        @Argument var id: String
        @OptionGroup var scope: ProjectScope
        @OptionGroup var admin: AdminOptions
        func run() async throws { try showChange(try await admin.client.send(.DELETE, scope.path + "/keys/\(id)"), admin.output) }
    }

    /// `gateway keys hash KEY`.
    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the SHA-256 hex of a key, as `sha256:` in the configuration wants it.")

        @Argument(help: "The whole API key.")
        var key: String

        func run() {
            print(KeyHasher.sha256Hex(key))
        }
    }

    /// `gateway keys generate`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a new random key and print it with its hash.")

        func run() {
            let key = KeyGenerator.generate()
            print("key:    \(key)")
            print("sha256: \(KeyHasher.sha256Hex(key))")
            print("The key is shown only now; store its sha256 under a project's keys.")
        }
    }
}
