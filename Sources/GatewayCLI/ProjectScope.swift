import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOHTTP1
import Foundation

/// `--org ORG --project PROJECT`, and the admin path they name.
struct ProjectScope: ParsableArguments {
    @Option var org: String
    @Option var project: String
    var path: String { "/admin/v1/orgs/\(org)/projects/\(project)" }
}
