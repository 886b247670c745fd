import GatewayModel
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Telemetry
import TestSupport
import Testing

@Suite("The data-plane listener: connections, pipelining, disconnects, shutdown")
struct DataPlaneServerTests {
    @Test("pipelined requests on one connection are answered in order; Connection: close ends it after its answer")
    func pipelining() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let head =
                "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + RawHTTP.chat("mock-gpt")
                + "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(testKey)\r\nConnection: close\r\n\r\n"
            let result = await RawHTTP.exchange(port: gateway.port, head: head, body: [])
            #expect(result.response.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
            let health = try #require(result.response.range(of: "{\"status\":\"ok\"}"))
            let completion = try #require(result.response.range(of: "\"object\":\"chat.completion\""))
            let models = try #require(result.response.range(of: "{\"object\":\"list\""))
            #expect(health.lowerBound < completion.lowerBound && completion.lowerBound < models.lowerBound)
            #expect(result.closed)
        }
    }

    /// On a connection alone on its event loop an answer is flushed at once; on a loop that serves
    /// other connections it is flushed at the end of the loop's turn, with any other answer the
    /// turn wrote, on that connection or another. Either way it reaches the client of a
    /// kept-alive connection.
    @Test("an answer leaves whether its connection is alone on its event loop or shares it, pipelined answers and a dozen connections at once too")
    func answersAloneOrSharingALoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1"), group: group) { gateway in
            let alone = await RawSockets.open(1, port: gateway.port)
            await alone.send(RawHTTP.chat("mock-gpt"))
            #expect(await alone.readAll(within: 1).components(separatedBy: "\"object\":\"chat.completion\"").count == 2)
            let sharing = await RawSockets.open(1, port: gateway.port)
            await sharing.send(RawHTTP.chat("mock-gpt") + RawHTTP.chat("mock-gpt"))
            #expect(await sharing.readAll(within: 1).components(separatedBy: "\"object\":\"chat.completion\"").count == 3)
            await alone.send(RawHTTP.chat("mock-gpt"))
            #expect(await alone.readAll(within: 1).components(separatedBy: "\"object\":\"chat.completion\"").count == 2)
            // Many connections answered in the same turns of the loop, flushed together at their end.
            let many = await RawSockets.open(12, port: gateway.port)
            for round in 1...3 {
                await many.send(RawHTTP.chat("mock-gpt") + RawHTTP.chat("mock-gpt"))
                #expect(await many.count("\"object\":\"chat.completion\"", upTo: 2, within: 5) == Array(repeating: 2, count: 12), "round \(round)")
            }
            alone.closeAll()
            sharing.closeAll()
            many.closeAll()
        }
        try await group.shutdownGracefully()
    }

    @Test("a key that differs from the one before it on the same connection is authenticated anew, however close to it")
    func keyPerRequest() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            // The same length with the last byte or a middle byte changed, a prefix, and the key
            // with a byte more: each is refused, and the right key after each is served.
            let last = String(testKey.dropLast()) + (testKey.last == "x" ? "y" : "x")
            let middle = String(testKey.prefix(8)) + "Z" + String(testKey.dropFirst(9))
            let others = [last, middle, String(testKey.dropLast()), testKey + "0"]
            let chat = RawHTTP.chat("mock-gpt")
            let head = others.map { chat + chat.replacingOccurrences(of: testKey, with: $0) }.joined()
                + chat.replacingOccurrences(of: "Connection: keep-alive", with: "Connection: close")
            let result = await RawHTTP.exchange(port: gateway.port, head: head, body: [])
            let statuses = result.response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
            #expect(statuses == Array(repeating: ["200", "401"], count: others.count).flatMap { $0 } + ["200"])
            #expect(result.closed)
        }
    }

    @Test("a client pipelining a hundred requests in one write gets a hundred answers, in order, while the socket keeps reading")
    func deepPipelining() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            let models = "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(testKey)\r\n\r\n"
            let head = String(repeating: health + RawHTTP.chat("mock-gpt") + models, count: 33) + health.replacingOccurrences(of: "\r\n\r\n", with: "\r\nConnection: close\r\n\r\n")
            let result = await RawHTTP.exchange(port: gateway.port, head: head, body: [], timeoutSeconds: 20)
            #expect(result.response.components(separatedBy: "HTTP/1.1 200 OK").count == 101)
            var order: [Character] = []
            var rest = Substring(result.response)
            let marks: [(String, Character)] = [("{\"status\":\"ok\"}", "h"), ("\"object\":\"chat.completion\"", "c"), ("{\"object\":\"list\"", "m")]
            while let (range, mark) = marks.compactMap({ mark in rest.range(of: mark.0).map { ($0, mark.1) } }).min(by: { $0.0.lowerBound < $1.0.lowerBound }) {
                order.append(mark)
                rest = rest[range.upperBound...]
            }
            #expect(String(order) == String(repeating: "hcm", count: 33) + "h")
            #expect(result.closed)
        }
    }

    @Test("thousands of pipelined requests that are answered at once (health, refusals) are served in order, in a loop, not by recursion")
    func pipelinedImmediateAnswers() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            // About 120 KB in one write: an answer decided at once is written inside the read that
            // brought its request, and each must let the next request be read after it returns.
            let health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            let refused = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
            let count = 1_500
            let head = String(repeating: health + refused, count: count) + health.replacingOccurrences(of: "\r\n\r\n", with: "\r\nConnection: close\r\n\r\n")
            let result = await RawHTTP.exchange(port: gateway.port, head: head, body: [], timeoutSeconds: 30)
            let statuses = result.response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
            // Every other one is the `payload` gate's 400 for a body without messages.
            let expected = Array(repeating: ["200", "400"], count: count).flatMap { $0 } + ["200"]
            #expect(statuses.count == expected.count)
            #expect(zip(statuses, expected).first { $0 != $1 } == nil)
            #expect(result.closed)
            #expect(await gateway.recorder.waitForRecords(count).count == count)
        }
    }

    @Test(
        "pipelined chat requests forwarded upstream are answered in order, whole or streamed: an answer relayed from the provider's read starts the next request on the same pooled connection",
        arguments: [false, true])
    func pipelinedUpstreamAnswers(streamed: Bool) async throws {
        let events = FakeUpstream.streamEvents(words: ["one", "two"])
        let upstream = FakeUpstream([streamed ? .stream(events: events) : .json(status: 200, body: FakeUpstream.completion())])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let count = 20
                let chat = RawHTTP.chat(stream: streamed)
                let head = String(repeating: chat, count: count - 1) + chat.replacingOccurrences(of: "Connection: keep-alive", with: "Connection: close")
                let result = await RawHTTP.exchange(port: gateway.port, head: head, body: [], timeoutSeconds: 20)
                #expect(result.response.components(separatedBy: "HTTP/1.1 200 OK").count == count + 1)
                if streamed { #expect(result.response.components(separatedBy: "data: [DONE]").count == count + 1) }
                #expect(result.closed)
                #expect(upstream.received.count == count)
                let records = await gateway.recorder.waitForRecords(count)
                #expect(records.count == count && records.allSatisfy { $0.status == 200 && $0.attempts == 1 && $0.reason == "" && $0.streamed == streamed })
            }
        }
    }

    @Test("a client that hangs up while a retry waits out its backoff is recorded as 499 client_closed at once, with no retry sent")
    func clientGoneInBackoff() async throws {
        let upstream = FakeUpstream([.json(status: 503, body: "{}"), .json(status: 200, body: FakeUpstream.completion())])
        try await upstream.run { url in
            var provider = TestConfig.provider("up", url: url, retries: 3)
            provider.retryBackoffMilliseconds = 4_000
            let config = TestConfig.make(providers: [provider], routes: [Route(model: "gpt-4o-mini", targets: [RouteTarget(provider: "up", model: "upstream-model")])])
            try await GatewayHarness.run(config) { gateway in
                // The client hangs up once the first attempt was answered 503, in the backoff of 2 to 4 s.
                let socket = RawHTTP.sendAndPause(port: gateway.port, head: RawHTTP.chat())
                #expect(await Eventually.holds { upstream.received.count == 1 })
                try await Task.sleep(for: .milliseconds(100))
                let closed = ContinuousClock.now
                RawHTTP.close(socket)
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.status == 499)
                #expect(record.reason == "client_closed")
                #expect(record.attempts == 1)
                #expect(closed.duration(to: .now) < .seconds(2), "recorded when the client left, not after the backoff")
                #expect(upstream.received.count == 1)
            }
        }
    }

    @Test("an HTTP/1.0 client gets HTTP/1.0 answers: kept alive only on request, a stream unchunked and ended by closing")
    func http10() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let two = await RawHTTP.exchange(
                port: gateway.port, head: "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /readyz HTTP/1.0\r\n\r\n", body: [])
            let answers = two.response.lowercased().components(separatedBy: "http/1.0 200 ok")
            #expect(answers.count == 3)
            #expect(answers.count == 3 && answers[1].contains("connection: keep-alive") && answers[2].contains("connection: close"))
            #expect(two.closed)

            let stream = await RawHTTP.exchange(port: gateway.port, head: RawHTTP.chat("mock-gpt", stream: true, version: "1.0"), body: [])
            #expect(stream.response.hasPrefix("HTTP/1.0 200"))
            #expect(!stream.response.lowercased().contains("transfer-encoding"))
            #expect(stream.response.hasSuffix("data: [DONE]\n\n"))
            #expect(stream.closed)
        }
    }

    @Test("Expect: 100-continue gets 100 Continue before the body is read; not over the limit, in HTTP/1.0, or without a body")
    func expectContinue() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1", maxRequestBytes: 4096)) { gateway in
            let body = Array(GatewayHarness.chat("mock-gpt").utf8)
            let fields = "Host: x\r\nAuthorization: Bearer \(testKey)\r\nContent-Type: application/json\r\nExpect: 100-Continue\r\nConnection: close\r\n"
            let sized = await RawHTTP.waitToSend(
                port: gateway.port, head: "POST /v1/chat/completions HTTP/1.1\r\n\(fields)Content-Length: \(body.count)\r\n\r\n", body: body)
            #expect(sized.interim == "HTTP/1.1 100 Continue\r\n\r\n")
            #expect(sized.response.hasPrefix("HTTP/1.1 200 OK") && sized.response.contains("chat.completion") && sized.closed)
            let chunked = await RawHTTP.waitToSend(
                port: gateway.port, head: "POST /v1/chat/completions HTTP/1.1\r\n\(fields)Transfer-Encoding: chunked\r\n\r\n",
                body: Array((String(body.count, radix: 16) + "\r\n").utf8) + body + Array("\r\n0\r\n\r\n".utf8))
            #expect(chunked.interim == "HTTP/1.1 100 Continue\r\n\r\n")
            #expect(chunked.response.hasPrefix("HTTP/1.1 200 OK"))
            // A body declared over the limit is refused at once; the client never sends it.
            let over = await RawHTTP.waitToSend(
                port: gateway.port, head: "POST /v1/chat/completions HTTP/1.1\r\n\(fields)Content-Length: 5000\r\n\r\n", body: [])
            #expect(over.interim.hasPrefix("HTTP/1.1 413") && over.interim.contains("x-gateway-gate: payload") && over.closed)
            // HTTP/1.0 clients' expectations are ignored; a request without a body has nothing to wait for.
            for head in [
                "POST /v1/chat/completions HTTP/1.0\r\n\(fields)Content-Length: \(body.count)\r\n\r\n\(String(decoding: body, as: UTF8.self))",
                "POST /v1/chat/completions HTTP/1.1\r\n\(fields)Content-Length: 0\r\n\r\n",
                "GET /healthz HTTP/1.1\r\n\(fields)\r\n",
            ] {
                let result = await RawHTTP.exchange(port: gateway.port, head: head, body: [])
                #expect(!result.response.contains(" 100 ") && result.response.hasPrefix("HTTP/1."), "\(result.response)")
                #expect(result.response.contains(" 200 OK") || result.response.contains("empty_body"))
            }
        }
    }

    @Test("an answer to HEAD has its head and no body; the next request on the connection is answered after it")
    func headRequest() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let head = "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let result = await RawHTTP.exchange(port: gateway.port, head: head, body: [])
            let answers = result.response.components(separatedBy: "HTTP/1.1 ")
            #expect(answers.count == 3, "two answers: \(result.response)")
            #expect(answers.count == 3 && answers[1].lowercased().contains("content-length:") && answers[1].hasSuffix("\r\n\r\n"))
            #expect(result.response.components(separatedBy: "{\"status\":\"ok\"}").count == 2, "one body, the GET's")
            #expect(result.response.hasSuffix("{\"status\":\"ok\"}"))
            #expect(result.closed)
        }
    }

    @Test("an absolute-form target (as sent to a proxy) reaches the same endpoint as its path")
    func absoluteForm() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let result = await RawHTTP.exchange(
                port: gateway.port, head: "GET http://127.0.0.1:\(gateway.port)/healthz?probe=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", body: [])
            #expect(result.response.hasPrefix("HTTP/1.1 200"))
            #expect(result.response.hasSuffix("{\"status\":\"ok\"}"))
        }
    }

    @Test("a request that is not HTTP gets 400 and the connection closes")
    func malformed() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let result = await RawHTTP.exchange(port: gateway.port, head: "THIS IS NOT HTTP\r\n\r\n", body: [])
            #expect(result.response.hasPrefix("HTTP/1.1 400"))
            #expect(result.closed)
            let health = try await gateway.send("/healthz", method: .GET, key: nil)
            #expect(health.status == 200)
        }
    }

    @Test("a client that hangs up while the provider thinks is recorded as 499 client_closed at once")
    func clientGone() async throws {
        let upstream = FakeUpstream([.delayed(.seconds(5), .json(status: 200, body: FakeUpstream.completion()))])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let started = ContinuousClock.now
                // The client gives up after one second and closes its socket.
                let result = await RawHTTP.exchange(port: gateway.port, head: RawHTTP.chat(), body: [], timeoutSeconds: 1)
                #expect(result.response.isEmpty)
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.status == 499)
                #expect(record.reason == "client_closed")
                #expect(started.duration(to: .now) < .seconds(4), "recorded when the client left, not when the provider answered")
            }
        }
    }

    @Test("graceful shutdown stops accepting, lets the answer in flight finish, then closes its connection")
    func gracefulShutdown() async throws {
        // The provider holds its answer long enough for the shutdown to reach the connection first,
        // on a machine loaded by the suites that run beside this one.
        let upstream = FakeUpstream([.delayed(.seconds(2), .json(status: 200, body: FakeUpstream.completion()))])
        try await upstream.run { url in
            var logger = Logger(label: "graceful-test")
            logger.logLevel = .critical
            let active = ActiveSnapshot(SnapshotIndex(version: 1, config: TestConfig.single(url: url)))
            let client = UpstreamClient(connectTimeoutSeconds: TestConfig.connectTimeout)
            let routes = DataPlane.routes(
                active: active, client: client, environment: ["UPSTREAM_KEY": "k"], recorder: CapturingRecorder(), logger: logger)
            let bound = AsyncStream<Int>.makeStream()
            let server = DataPlaneServer(routes: routes, active: active, host: "127.0.0.1", port: 0, logger: logger) { port in
                bound.continuation.yield(port)
            }
            let group = ServiceGroup(services: [server], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var ports = bound.stream.makeAsyncIterator()
                let port = try #require(await ports.next())
                // A kept-alive connection left idle after its answer closes at once.
                let idle = RawHTTP.sendAndPause(port: port, head: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                defer { RawHTTP.close(idle) }
                #expect(await RawHTTP.awaitReadable(idle, timeoutSeconds: 5), "the idle connection's request is answered before the shutdown")
                let inFlight = Task { await RawHTTP.exchange(port: port, head: RawHTTP.chat(), body: []) }
                // Shut down once the provider holds the request: it is in flight, not still in a socket buffer.
                // Up to 10 s: the wait ends as soon as the request arrives, and on a machine loaded by the
                // suites beside this one the request has taken more than 2.5 s to get there.
                for _ in 0..<2_000 where upstream.received.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
                #expect(upstream.received.count == 1)
                await group.triggerGracefulShutdown()
                let answer = await inFlight.value
                #expect(answer.response.hasPrefix("HTTP/1.1 200"))
                #expect(answer.response.contains("\"object\":\"chat.completion\""))
                #expect(answer.closed && answer.response.lowercased().contains("connection: close"))
                let idleEnd = RawHTTP.drain(idle, timeoutSeconds: 5)
                #expect(idleEnd.response.hasPrefix("HTTP/1.1 200") && !idleEnd.response.contains("connection: close") && idleEnd.closed)
                try await tasks.next()
                let refused = await RawHTTP.exchange(port: port, head: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", body: [])
                #expect(refused.response.isEmpty)
            }
            await client.shutdown()
        }
    }
}
