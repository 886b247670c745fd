import GatewayModel

/// The order in which a route's targets are tried: a weighted random choice among targets of
/// positive weight first, then every other target in the order listed.
enum TargetPlan {
    /// The attempt order for `targets`, drawing the first choice from `generator`.
    static func order(_ targets: [RouteTarget], using generator: inout some RandomNumberGenerator) -> [RouteTarget] {
        guard targets.count > 1 else { return targets }
        let total = targets.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return targets }
        var pick = Int.random(in: 0..<total, using: &generator)
        var first = 0
        for (index, target) in targets.enumerated() {
            if pick < target.weight {
                first = index
                break
            }
            pick -= target.weight
        }
        var ordered = [targets[first]]
        ordered.append(contentsOf: targets.enumerated().filter { $0.offset != first }.map(\.element))
        return ordered
    }
}
