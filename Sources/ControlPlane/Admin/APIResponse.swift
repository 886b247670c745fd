import Foundation
import GatewayModel
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON answers of the admin and config APIs, errors in the OpenAI shape.
public enum APIResponse {
    /// `value` as JSON with `status`.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? DocumentCoding.encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Pre-encoded JSON.
    public static func json(_ buffer: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }

    /// `{"error":{"message","type","code","param"}}` with `status`.
    public static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String, param: String? = nil) -> Response {
        struct Body: Encodable {
            struct Detail: Encodable { let message: String, type: String, code: String, param: String? }
            let error: Detail
        }
        let type =
            switch status.code {
            case 401: "authentication_error"
            case 403: "permission_error"
            case 404: "not_found_error"
            case 409: "conflict_error"
            case 500...: "server_error"
            default: "invalid_request_error"
            }
        return json(Body(error: .init(message: message, type: type, code: code, param: param)), status: status)
    }

    /// The answer for an error thrown while serving a request.
    public static func error(for error: any Error) -> Response {
        switch error {
        case let error as ModelError:
            switch error {
            case .invalid(let field, let message):
                return Self.error(.badRequest, "invalid_field", field.isEmpty ? message : "\(field): \(message)", param: field.isEmpty ? nil : field)
            case .notFound(let message): return Self.error(.notFound, "not_found", message)
            case .conflict(let message): return Self.error(.conflict, "conflict", message)
            }
        case let error as StoreError:
            return Self.error(.serviceUnavailable, "store_unavailable", "\(error); the change was not made, retry when the store is back")
        default:
            return Self.error(.internalServerError, "internal_error", "\(error)")
        }
    }
}

/// Checks the platform admin token that `admin.tokenEnv` names.
public struct PlatformToken: Sendable {
    private let hash: String?
    private let env: String

    /// `token` is the configured secret (nil when unset); `env` is the variable it came from.
    public init(token: String?, env: String) {
        hash = token.map { KeyHasher.sha256Hex($0) }
        self.env = env
    }

    /// Whether a platform token is configured.
    public var isSet: Bool { hash != nil }

    /// Nil when `headers` carry the platform token; otherwise the 401 or, with no token
    /// configured, the 503 that says how to set one.
    public func denial(_ headers: HTTPFields) -> Response? {
        guard let hash else {
            return APIResponse.error(
                .serviceUnavailable, "admin_token_unset",
                "No admin token is configured: set the environment variable \(env) (admin.tokenEnv) and restart.")
        }
        guard let token = BearerToken.parse(headers) else {
            return APIResponse.error(.unauthorized, "token_missing", "Send the admin token as 'Authorization: Bearer <token>'.")
        }
        return KeyHasher.sha256Hex(token) == hash ? nil : APIResponse.error(.unauthorized, "token_unknown", "The admin token is not recognised.")
    }

    /// Whether `token` is the platform token.
    public func matches(hash tokenHash: String) -> Bool { tokenHash == hash }

}
