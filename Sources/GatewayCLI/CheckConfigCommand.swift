import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel

import class Foundation.FileHandle
import struct Foundation.Data

/// `gateway check-config FILE`: validates a configuration file without serving.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; every problem is reported with its key path and line."
    )

    @Argument(help: "The YAML configuration file.")
    var file: String

    func run() throws {
        do {
            let config = try ConfigSource.load(path: file)
            let projects = config.orgs.flatMap(\.projects)
            print(
                "\(file): OK (\(config.providers.count) providers, \(config.orgs.count) orgs, \(projects.count) projects, "
                    + "\(projects.reduce(0) { $0 + $1.routes.count }) routes, \(projects.reduce(0) { $0 + $1.keys.count }) keys)")
        } catch let error as ValidationError {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
