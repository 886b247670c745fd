/// What an operator or client should change for each reason a gate records.
public enum Explanation {
    /// A one-sentence hint for `reason`, or nil for unknown reasons.
    public static func hint(for reason: String) -> String? {
        switch reason {
        case "config_not_applied": "The gateway had no configuration yet; check that it can reach its control plane, then retry."
        case "payload_too_large": "Send a smaller body, or raise gateway.maxRequestBytes."
        case "empty_body", "invalid_json", "invalid_request", "body_unreadable":
            "Fix the request body: it must be a JSON object with the fields the endpoint requires."
        case "key_missing": "Send the API key as 'Authorization: Bearer <key>' or in 'x-api-key'."
        case "key_unknown": "The key is not configured; check it was copied whole or create a key for the project."
        case "key_expired": "The key passed its expiresAt; issue a new key or extend the expiry."
        case "key_revoked": "An operator revoked the key; issue a new key with `gateway keys create`."
        case "key_scope_missing": "The key's scopes do not include this operation; create a key with that scope (`gateway keys create --scope`)."
        case "model_not_routed": "Add a route for the model to the key's project, or call a model the project routes."
        case "upstream_unreachable": "The provider could not be reached; check its baseURL and health, or add a fallback target."
        case "upstream_error": "The provider kept failing with 5xx; check its status or add a fallback target."
        case "upstream_rate_limited": "The provider kept answering 429; lower the traffic or add a fallback target."
        case "upstream_timeout": "The provider did not answer in time; raise its timeoutSeconds or add a fallback target."
        case "upstream_stream_broken": "The provider's stream broke off; the client received an incomplete answer."
        case "client_closed": "The client disconnected before the answer was complete."
        case "provider_client_error": "The provider rejected the request (4xx); its error body was passed to the client."
        default: nil
        }
    }
}
