import WireJSON

/// What an operator or client should change for each reason a gate records.
public enum Explanation {
    /// A one-sentence hint for `reason`, or nil for reasons that need none.
    public static func hint(for reason: String) -> String? {
        switch ReasonCode(reading: reason) {
        case .configNotApplied: "The gateway had no configuration yet; check that it can reach its control plane, then retry."
        case .payloadTooLarge: "Send a smaller body, or raise gateway.maxRequestBytes."
        case .emptyBody, .invalidJSON, .invalidRequest: "Fix the request body: it must be a JSON object with the fields the endpoint requires."
        case .keyMissing: "Send the API key as 'Authorization: Bearer <key>' or in 'x-api-key'."
        case .keyUnknown: "The key is not configured; check it was copied whole or create a key for the project."
        case .keyExpired: "The key passed its expiresAt; issue a new key or extend the expiry."
        case .keyRevoked: "An operator revoked the key; issue a new key with `gateway keys create`."
        case .keyScopeMissing: "The key's scopes do not include this operation; create a key with that scope (`gateway keys create --scope`)."
        case .modelNotRouted: "Add a route for the model to the key's project, or call a model the project routes."
        case .piiDetected, .secretDetected:
            "The text held personal data or a credential that the project's guardrails block; remove it, or have an operator set that check to redact."
        case .promptInjectionDetected: "The text read as a prompt injection, which the project's guardrails block; rephrase it, or have an operator review the policy."
        case .deniedPhrase: "The text held one of the project's deny phrases; remove it."
        case .budgetExceeded: "A USD budget of the org, project or key is spent; raise it, reset its spend, or wait for its period to end."
        case .rateLimitRequests, .rateLimitTokens: "A per-minute limit of the project or key is reached; retry after retry-after, or raise the limit."
        case .upstreamUnreachable: "The provider could not be reached; check its baseURL and health, or add a fallback target."
        case .upstreamError: "The provider kept failing with 5xx; check its status or add a fallback target."
        case .upstreamRateLimited: "The provider kept answering 429; lower the traffic or add a fallback target."
        case .upstreamTimeout: "The provider did not answer in time; raise its timeoutSeconds or add a fallback target."
        case .upstreamAuthFailed: "The provider refused the gateway's credential; an operator must fix the provider's apiKeyEnv."
        case .upstreamInvalidResponse: "The provider answered success with a body that is not JSON; check the provider."
        case .upstreamStreamBroken: "The provider's stream broke off; the client received an incomplete answer."
        case .clientClosed: "The client disconnected before the answer was complete."
        case .providerClientError: "The provider rejected the request (4xx); its error body was passed to the client."
        case .projectMismatch: "Call the MCP path of the key's own project (/mcp/{project}/{server}), or use a key of that project."
        case .pathInvalid: "Write the MCP path as /mcp/{project}/{server} with plain ids: no encoded characters, dot or empty segments."
        case .sessionMismatch: "An MCP session belongs to the key, project and server that opened it: initialize a new session with this key."
        case .toolNotAllowed: "The project's or the key's MCP tool list leaves this tool out; call a listed tool, or have an operator add it."
        case .mcpServerUnknown: "Add the MCP server to the project (mcpServers), or call a server the project has."
        case .unknownEndpoint, .adminTokenUnset, .tokenMissing, .tokenUnknown, .invalidField, .invalidBody, .notFound, .conflict,
            .storeUnavailable, .internalError, .invalidAfter, .invalidWait, .configNotLoaded, .mappingUnavailable, .orgUnknown,
            .orgForbidden, .invalidTime, .invalidGroup, .invalidDecision, .requestUnknown, .other:
            nil
        }
    }
}
