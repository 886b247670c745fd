import AsyncHTTPClient
import ControlPlane
import HTTPTypes
import NIOCore
import NIOHTTP1
import Telemetry

/// Any OpenAI-compatible HTTP API (OpenAI, vLLM, Ollama, LM Studio, ...), through the shared client.
struct OpenAIProvider: Provider {
    let client: HTTPClient
    let baseURL: String
    let authorization: String?

    /// Binds `config` to `client`, reading the API key from `config.apiKeyEnv` once.
    init(config: ProviderConfig, client: HTTPClient, environment: [String: String]) {
        self.client = client
        self.baseURL = config.baseURL ?? ""
        self.authorization = config.apiKeyEnv.flatMap { environment[$0] }.map { "Bearer \($0)" }
    }

    /// Largest non-streamed response body accepted from a provider.
    static let maxResponseBytes = 64 * 1024 * 1024

    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        var outbound = HTTPClientRequest(url: baseURL + request.endpoint.upstreamPath)
        outbound.method = .POST
        outbound.headers.add(name: "content-type", value: "application/json")
        outbound.headers.add(name: "x-request-id", value: request.requestID.description)
        if request.stream { outbound.headers.add(name: "accept", value: "text/event-stream") }
        if let authorization { outbound.headers.add(name: "authorization", value: authorization) }
        outbound.body = .bytes(request.body)
        do {
            let response = try await client.execute(outbound, deadline: NIODeadline(request.firstByteDeadline))
            let status = HTTPResponse.Status(code: Int(response.status.code))
            let contentType = response.headers.first(name: "content-type")
            if status.code >= 500 || status.code == 429 {
                // Drain the error body so the pooled connection can be reused.
                _ = try? await response.body.collect(upTo: 64 * 1024)
                throw UpstreamFailure.status(status)
            }
            if request.stream && status.code < 300 {
                return UpstreamResponse(status: status, contentType: contentType, body: .stream(response.body))
            }
            let body = try await Deadline.run(until: request.deadline, on: client.eventLoopGroup.any()) {
                try await response.body.collect(upTo: Self.maxResponseBytes)
            }
            return UpstreamResponse(status: status, contentType: contentType, body: .buffer(body))
        } catch let failure as UpstreamFailure {
            throw failure
        } catch {
            throw UpstreamFailure(classifying: error)
        }
    }
}

extension UpstreamFailure {
    /// Maps a client error to a failure kind.
    init(classifying error: any Error) {
        if error is CancellationError {
            self = .cancelled
        } else if error is DeadlineExceeded {
            self = .timeout
        } else if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: self = .timeout
            case .cancelled: self = .cancelled
            default: self = .unreachable(String(describing: error))
            }
        } else {
            self = .unreachable(String(describing: error))
        }
    }
}

extension NIODeadline {
    /// The NIO deadline at the same point as a continuous-clock instant.
    init(_ instant: ContinuousClock.Instant) {
        let remaining = ContinuousClock.now.duration(to: instant)
        let (seconds, attoseconds) = remaining.components
        self = .now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
