/// The prices a request on one route can be charged at, kept for its worst case: the requested
/// model's and each target's, less any that is no dearer than another for input and output both
/// (a worst case prices the prompt as uncached, so only those two rates matter).
public struct RoutePrices: Sendable {
    /// The candidate prices, in the route's order (requested model first).
    public let prices: [Price]

    /// The prices of `route`'s model and targets that can be the dearest, looked up with `price`.
    public init(route: Route, price: (String) -> Price?) {
        let all = ([route.model] + route.targets.map(\.model)).compactMap(price)
        prices = all.enumerated().filter { index, candidate in
            !all.enumerated().contains { other, rival in
                other != index && rival.inputPerMillion >= candidate.inputPerMillion && rival.outputPerMillion >= candidate.outputPerMillion
                    && (rival.inputPerMillion > candidate.inputPerMillion || rival.outputPerMillion > candidate.outputPerMillion || other < index)
            }
        }.map(\.element)
    }

    /// The dearest cost of `input` uncached prompt tokens and `output` completion tokens; 0 when no model is priced.
    public func worstCase(input: Int, output: Int) -> Int64 {
        var worst: Int64 = 0
        for price in prices { worst = max(worst, price.cost(input: input, cachedInput: 0, output: output)) }
        return worst
    }
}
