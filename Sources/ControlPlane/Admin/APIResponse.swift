import Foundation
import GatewayModel
import HTTPTypes
import Hummingbird
import NIOCore
import WireJSON

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

    /// `error` in the OpenAI shape.
    public static func error(_ error: ClientError) -> Response {
        Response(status: error.status, headers: error.headers, body: .init(byteBuffer: error.body))
    }

    /// The answer for an error thrown while serving a request.
    public static func error(for error: any Error) -> Response {
        Self.error(clientError(for: error))
    }

    /// What a client is told about an error thrown while serving a request.
    static func clientError(for error: any Error) -> ClientError {
        switch error {
        case let error as ClientError:
            return error
        case let error as ModelError:
            switch error {
            case .invalid(let field, let message):
                return ClientError(.badRequest, .invalidField, field.isEmpty ? message : "\(field): \(message)", param: field.isEmpty ? nil : field)
            case .notFound(let message): return ClientError(.notFound, .notFound, message)
            case .conflict(let message): return ClientError(.conflict, .conflict, message)
            }
        case let error as StoreError:
            return ClientError(.serviceUnavailable, .storeUnavailable, "\(error); the change was not made, retry when the store is back")
        default:
            return ClientError(.internalServerError, .internalError, "\(error)")
        }
    }
}
