import Foundation
import GatewayModel

/// A price in USD per million tokens, and whether it overrides the built-in table.
struct PriceView: Encodable {
    let model: String
    let inputPerMillion: String
    let cachedInputPerMillion: String
    let outputPerMillion: String
    let cacheWritePerMillion: String?
    let takenOn: String?
    let source: String

    init(_ price: Price, overridden: Bool) {
        model = price.model
        inputPerMillion = MicroUSD.format(price.inputPerMillion)
        cachedInputPerMillion = MicroUSD.format(price.cachedInputPerMillion)
        outputPerMillion = MicroUSD.format(price.outputPerMillion)
        cacheWritePerMillion = price.cacheWritePerMillion.map(MicroUSD.format)
        takenOn = overridden ? nil : price.takenOn
        source = overridden ? "configured" : "built-in"
    }
}
