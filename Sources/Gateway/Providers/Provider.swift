import HTTPTypes
import NIOCore
import Telemetry

/// An upstream that answers OpenAI-style requests.
protocol Provider: Sendable {
    /// Sends one attempt and returns once the response head (and, unless streaming, the body) arrived.
    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse

    /// Sends one attempt from `loop` (the caller's own) without a task where the provider can, and
    /// calls `reply` on `loop` as ``send(_:)`` would return; `call` stops it when the client goes away.
    func start(_ request: UpstreamRequest, on loop: any EventLoop, call: UpstreamCall, reply: @escaping (Result<UpstreamResponse, UpstreamFailure>) -> Void)
}

extension Provider {
    /// Runs ``send(_:)`` in a task: for a provider (or an endpoint of one) that only has an async side.
    func start(_ request: UpstreamRequest, on loop: any EventLoop, call: UpstreamCall, reply: @escaping (Result<UpstreamResponse, UpstreamFailure>) -> Void) {
        startTask(request, on: loop, call: call, reply: reply)
    }

    /// Runs ``send(_:)`` in a task on the call's executor, and replies on `loop`.
    func startTask(_ request: UpstreamRequest, on loop: any EventLoop, call: UpstreamCall, reply: @escaping (Result<UpstreamResponse, UpstreamFailure>) -> Void) {
        guard !call.isCancelled else { return reply(.failure(.cancelled)) }
        call.run(on: loop, {
            do throws(UpstreamFailure) {
                return .success(try await send(request))
            } catch {
                return .failure(error)
            }
        }, reply: reply)
    }
}
