import Foundation
import GatewayModel

/// The outcome of a change: the version it produced and what it touched.
struct ChangeView: Encodable {
    let version: Int
    let changes: [AuditEntry]

    init(_ result: ConfigStore.ChangeResult) {
        version = result.version
        changes = result.changes
    }
}
