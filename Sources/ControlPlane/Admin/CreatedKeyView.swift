import Foundation
import GatewayModel

/// The answer to creating a key: the only time its secret is shown.
struct CreatedKeyView: Encodable {
    let key: String
    let details: KeyView
    let notice = "Store this key now: the gateway keeps only its SHA-256 and cannot show it again."
}
