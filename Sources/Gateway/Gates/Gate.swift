/// One policy check in the chain. A gate either passes (possibly adding to the exchange for
/// later gates) or throws the ``GateDenial`` that stops the request.
protocol Gate: Sendable {
    /// The gate's id.
    var id: GateID { get }
    /// Checks the request, recording what later gates need in `exchange`.
    func evaluate(_ exchange: inout Exchange) async throws(GateDenial)
}
