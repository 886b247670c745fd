import ArgumentParser
import ControlPlane

/// `gateway keys ...`: create and hash API keys for the configuration.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create API keys and compute the hashes the configuration stores.",
        subcommands: [Hash.self, Generate.self]
    )

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
