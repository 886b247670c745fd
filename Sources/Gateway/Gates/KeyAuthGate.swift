import GatewayModel
import HTTPTypes
import WireJSON

import struct Foundation.Date

/// Finds the caller's API key (`Authorization: Bearer` or `x-api-key`) and checks it is known,
/// unrevoked and unexpired (401), and scoped for the endpoint (403). Keys are compared by SHA-256,
/// never stored or echoed; a connection remembers the digest of its last key while it stays open
/// (``KeyDigestMemo``).
struct KeyAuthGate<Input: KeyCarrying>: Gate {
    /// The wall clock expiry is checked against; injected so tests can move it.
    let now: @Sendable () -> Date
    var id: GateID { .keyAuth }

    func evaluate(_ input: Input) throws(GateDenial) -> Authenticated<Input> {
        guard let digest = Self.presentedKey(input.arrival.head.fields, memo: input.arrival.keyMemo) else {
            throw Self.denial(.keyMissing, "No API key: send it as 'Authorization: Bearer <key>' or in the 'x-api-key' header.")
        }
        guard let grant = input.snapshot.key(digest: digest) else {
            throw Self.denial(.keyUnknown, "The API key is not recognised. Check that it was copied whole, or ask an operator for a new key.")
        }
        if grant.revokedAt != nil {
            throw Self.denial(attributedTo: grant,
                .keyRevoked, "The API key '\(grant.keyID)' of project '\(grant.projectID)' was revoked; ask an operator for a new key.")
        }
        if grant.isExpired(at: now()) {
            throw Self.denial(attributedTo: grant,
                .keyExpired, "The API key '\(grant.keyID)' of project '\(grant.projectID)' has expired; ask an operator for a new key.")
        }
        let scope = input.arrival.endpoint.scope
        if !grant.allows(scope) {
            let allowed = (grant.scopes ?? []).map(\.rawValue).joined(separator: ", ")
            var denial = GateDenial(
                gate: .keyAuth, status: .forbidden, reason: .keyScopeMissing,
                message: "The API key '\(grant.keyID)' of project '\(grant.projectID)' may not call '\(scope.rawValue)' (its scopes: \(allowed)); "
                    + "ask an operator for a key with the '\(scope.rawValue)' scope.")
            denial.caller = grant
            throw denial
        }
        return Authenticated(base: input, grant: grant)
    }

    /// A 401; a key that still names its project (revoked, expired) attributes the denial to that
    /// project, so it is telemetry of the project's org.
    private static func denial(attributedTo grant: KeyGrant? = nil, _ reason: ReasonCode, _ message: String) -> GateDenial {
        var denial = GateDenial(gate: .keyAuth, status: .unauthorized, reason: reason, message: message)
        denial.caller = grant
        return denial
    }

    /// The digest of the key from `Authorization: Bearer ...`, else from `x-api-key`.
    private static func presentedKey(_ fields: HeadFields, memo: KeyDigestMemo) -> KeyDigest? {
        // One `Authorization` field, the usual case: its token is hashed where it lies in the head.
        let only = fields.withOnlyValue(of: .authorization) { value in
            BearerToken.tokenBounds(in: value).map { memo.digest(of: UnsafeRawBufferPointer(rebasing: value[$0])) }
        }
        switch only {
        case .some(.some(let digest)): return digest
        case .some(.none): break  // one field, of another scheme
        case .none:  // none, or several: their joined value names no key, as HTTP reads it
            if let key = fields[.authorization].flatMap(BearerToken.token(in:)) { return KeyDigest(of: key.utf8) }
        }
        if let key = fields[.apiKey], !key.isEmpty { return KeyDigest(of: key.utf8) }
        return nil
    }
}
