import GatewayModel
import Telemetry

extension RequestTrace {
    /// Attributes the trace to the project and key of `grant`.
    mutating func attribute(to grant: KeyGrant) {
        keyID = grant.keyID
        projectID = grant.projectID
    }
}
