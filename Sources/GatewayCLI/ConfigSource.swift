import ControlPlane
import ControlPlaneClient
import GatewayModel

import class Foundation.FileManager
import struct Foundation.URL

/// Where `serve` takes its configuration from: a file, or the built-in demo.
enum ConfigSource {
    /// The default file looked for in the working directory.
    static let defaultFile = "gateway.yaml"

    /// Reads and validates the file at `path`.
    static func load(path: String) throws -> GatewayConfig {
        let text: String
        do {
            text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try ConfigFileLoader.load(yaml: text)
        } catch {
            throw ValidationError(error.issues.map { "\(path):\($0)" }.joined(separator: "\n"))
        }
    }

    /// The file named on the command line, else `gateway.yaml` if present; nil means the demo.
    static func resolve(_ path: String?) -> String? {
        if let path { return path }
        return FileManager.default.fileExists(atPath: defaultFile) ? defaultFile : nil
    }
}
