import Foundation
import GatewayModel

/// An org as the admin API lists it: its project ids, not their contents.
struct OrgView: Encodable {
    let id: String
    let telemetryTokenSha256: [String]
    let budget: Budget?
    let export: ExportSettings
    let projects: [String]

    init(_ org: Org) {
        id = org.id
        telemetryTokenSha256 = org.telemetryTokenSha256
        budget = org.budget
        export = org.export
        projects = org.projects.map(\.id)
    }
}
