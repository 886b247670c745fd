/// Every machine-readable reason a client or telemetry can see: the `code` of an error body and
/// the `reason` of a gate span. A closed set, so the `reason` metric label stays bounded by
/// construction; a reason read from elsewhere (another gateway's ring) that is not one of these
/// is ``other``.
public enum ReasonCode: String, Sendable, CaseIterable, Hashable {
    // MARK: Data plane gates, in the order of the gate table

    /// `reconcile`: no configuration applied yet.
    case configNotApplied = "config_not_applied"
    /// `payload`: the body is over `gateway.maxRequestBytes`.
    case payloadTooLarge = "payload_too_large"
    /// `payload`: no body.
    case emptyBody = "empty_body"
    /// `payload`: the body is not JSON.
    case invalidJSON = "invalid_json"
    /// `payload`, the listener, an API: a request that is not valid.
    case invalidRequest = "invalid_request"
    /// `key-auth`: no key presented.
    case keyMissing = "key_missing"
    /// `key-auth`: the key is not configured.
    case keyUnknown = "key_unknown"
    /// `key-auth`: the key was revoked.
    case keyRevoked = "key_revoked"
    /// `key-auth`: the key passed its `expiresAt`.
    case keyExpired = "key_expired"
    /// `key-auth`: the key's scopes do not allow the endpoint.
    case keyScopeMissing = "key_scope_missing"
    /// `routing`: the model has no route in the key's project.
    case modelNotRouted = "model_not_routed"
    /// `guardrails`: personal data matched a blocking policy.
    case piiDetected = "pii_detected"
    /// `guardrails`: a credential matched a blocking policy.
    case secretDetected = "secret_detected"
    /// `guardrails`: a prompt-injection phrase matched a blocking policy.
    case promptInjectionDetected = "prompt_injection_detected"
    /// `guardrails`: one of the operator's deny phrases matched.
    case deniedPhrase = "denied_phrase"
    /// `budget`: a USD budget would be passed.
    case budgetExceeded = "budget_exceeded"
    /// `budget`: over a requests-per-minute limit.
    case rateLimitRequests = "rate_limit_requests"
    /// `budget`: over a tokens-per-minute limit.
    case rateLimitTokens = "rate_limit_tokens"
    /// `upstream`: no provider could be reached.
    case upstreamUnreachable = "upstream_unreachable"
    /// `upstream`: the provider kept answering 5xx.
    case upstreamError = "upstream_error"
    /// `upstream`: the provider kept answering 429.
    case upstreamRateLimited = "upstream_rate_limited"
    /// `upstream`: the provider did not answer, or stream, in time.
    case upstreamTimeout = "upstream_timeout"
    /// `upstream`: the provider refused the gateway's credential.
    case upstreamAuthFailed = "upstream_auth_failed"
    /// `upstream`: a success whose body is not JSON.
    case upstreamInvalidResponse = "upstream_invalid_response"
    /// `upstream`: the provider's stream broke off.
    case upstreamStreamBroken = "upstream_stream_broken"
    /// `upstream`: the client went away first.
    case clientClosed = "client_closed"
    /// The provider answered 4xx, passed on to the client.
    case providerClientError = "provider_client_error"
    /// `tenant-guard`: the path's project is not the key's (or does not exist).
    case projectMismatch = "project_mismatch"
    /// `tenant-guard`: the path is not `/mcp/{project}/{server}` with plain ids.
    case pathInvalid = "path_invalid"
    /// `tenant-guard`: the MCP session was opened by another key, project or server, or is unknown.
    case sessionMismatch = "session_mismatch"
    /// `tenant-guard`: the key may not call this MCP tool.
    case toolNotAllowed = "tool_not_allowed"
    /// `routing`: the project has no MCP server of that name.
    case mcpServerUnknown = "mcp_server_unknown"
    /// No endpoint at the method and path.
    case unknownEndpoint = "unknown_endpoint"

    // MARK: Admin, config and telemetry APIs

    /// No platform admin token is configured.
    case adminTokenUnset = "admin_token_unset"
    /// No bearer token presented.
    case tokenMissing = "token_missing"
    /// The bearer token is not recognised.
    case tokenUnknown = "token_unknown"
    /// A field of the body is invalid.
    case invalidField = "invalid_field"
    /// A body that cannot be read.
    case invalidBody = "invalid_body"
    /// An object that does not exist.
    case notFound = "not_found"
    /// A change that conflicts with the model.
    case conflict = "conflict"
    /// The store is unreachable; nothing was changed.
    case storeUnavailable = "store_unavailable"
    /// A failure the server did not expect.
    case internalError = "internal_error"
    /// `after` is not a version.
    case invalidAfter = "invalid_after"
    /// `wait` is not a number of seconds.
    case invalidWait = "invalid_wait"
    /// The control plane has not loaded its store.
    case configNotLoaded = "config_not_loaded"
    /// The collector has no org mapping yet.
    case mappingUnavailable = "mapping_unavailable"
    /// An org that is not configured.
    case orgUnknown = "org_unknown"
    /// An org token reading another org.
    case orgForbidden = "org_forbidden"
    /// `from` / `to` are not times.
    case invalidTime = "invalid_time"
    /// `groupBy` names an unknown dimension.
    case invalidGroup = "invalid_group"
    /// `decision` is not pass, deny or error.
    case invalidDecision = "invalid_decision"
    /// A request id that is not in the recent traces.
    case requestUnknown = "request_unknown"

    /// A reason this build does not know.
    case other = "other"

    /// The code for `text`: ``other`` when it is not one of the set.
    public init(reading text: String) { self = ReasonCode(rawValue: text) ?? .other }
}
