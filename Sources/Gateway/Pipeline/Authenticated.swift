import GatewayModel

/// A request past `key-auth`: the caller's key is known, valid and scoped for the endpoint.
struct Authenticated<Base: KeyCarrying>: Sendable {
    /// The stage the key was read from.
    let base: Base
    /// Who is calling.
    let grant: KeyGrant
}
