import GatewayModel
import Foundation
import NIOHTTP1
import NIOPosix
import NIOCore
import NIOSSL
import Telemetry
import TestSupport
import Testing

@testable import Gateway

@Suite("The upstream gate: retries, fallback, timeouts, pass-through")
struct UpstreamTests {
    @Test("5xx and 429 are retried with backoff until one succeeds")
    func retries() async throws {
        let upstream = FakeUpstream([
            .json(status: 500, body: "{}"), .json(status: 429, body: "{}"), .json(status: 200, body: FakeUpstream.completion()),
        ])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url, retries: 2)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                #expect(response.status == 200)
                #expect(upstream.received.count == 3)
                #expect(await gateway.recorder.waitForRecords(1).first?.attempts == 3)
            }
        }
    }

    @Test("when retries run out, 503 from upstream names the provider and the status")
    func exhausted() async throws {
        let upstream = FakeUpstream([.json(status: 502, body: "{\"error\":\"bad gateway\"}")])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url, retries: 1)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                GateDenialTests.expectDenial(response, status: 503, gate: "upstream", code: "upstream_error")
                #expect((response.error["message"] as? String)?.contains("'up' answered 502") == true)
                #expect(upstream.received.count == 2)
            }
        }
    }

    @Test("a provider that keeps answering 429 gives 503 upstream_rate_limited with the provider's retry-after")
    func rateLimitedUpstream() async throws {
        let upstream = FakeUpstream([.json(status: 429, body: "{}", retryAfter: "7"), .json(status: 429, body: "{}", retryAfter: "soon")])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let first = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                GateDenialTests.expectDenial(first, status: 503, gate: "upstream", code: "upstream_rate_limited")
                #expect(first.header("retry-after") == "7")
                let second = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                GateDenialTests.expectDenial(second, status: 503, gate: "upstream", code: "upstream_rate_limited")
                #expect(second.header("retry-after") == nil, "a retry-after that is not delay-seconds is not passed on")
            }
        }
    }

    @Test("a provider's own 4xx is passed through with its body and not retried")
    func clientErrorPassThrough() async throws {
        let body = #"{"error":{"message":"context length exceeded","type":"invalid_request_error","code":"context_length_exceeded"}}"#
        let upstream = FakeUpstream([.json(status: 400, body: body)])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url, retries: 3)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                #expect(response.status == 400)
                #expect(response.body == body)
                #expect(response.header("x-gateway-provider") == "up")
                #expect(upstream.received.count == 1)
            }
        }
    }

    @Test("an unreachable first target falls back to the next one in order")
    func fallback() async throws {
        let upstream = FakeUpstream([.json(status: 200, body: FakeUpstream.completion())])
        try await upstream.run { url in
            let config = TestConfig.make(
                providers: [TestConfig.provider("dead", url: "http://127.0.0.1:9/v1", retries: 1), TestConfig.provider("live", url: url)],
                routes: [
                    Route(
                        model: "gpt-4o-mini",
                        targets: [RouteTarget(provider: "dead", model: "m1", weight: 1), RouteTarget(provider: "live", model: "m2", weight: 0)])
                ])
            try await GatewayHarness.run(config) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                #expect(response.status == 200)
                #expect(response.header("x-gateway-provider") == "live")
                #expect(upstream.received.first?.body.contains("\"model\":\"m2\"") == true)
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.attempts == 3)
                #expect(record.provider == "live")
            }
        }
    }

    @Test("every target unreachable gives 503 upstream_unreachable")
    func allUnreachable() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1", retries: 1)) { gateway in
            let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
            GateDenialTests.expectDenial(response, status: 503, gate: "upstream", code: "upstream_unreachable")
            #expect((response.error["message"] as? String)?.contains("127.0.0.1") == false)
        }
    }

    @Test("a provider slower than its first-byte timeout gives 504 upstream_timeout")
    func firstByteTimeout() async throws {
        let upstream = FakeUpstream([.delayed(.seconds(10), .json(status: 200, body: FakeUpstream.completion()))])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url, retries: 2, timeout: 10, firstByte: 0.3)) { gateway in
                let started = ContinuousClock.now
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                GateDenialTests.expectDenial(response, status: 504, gate: "upstream", code: "upstream_timeout")
                // Sooner than the provider's answer (10 s): the first-byte timeout cut it off. The margin
                // above the 0.3 s timeout is for a machine loaded by the tests that run beside this one,
                // which has stalled the gateway's loops for 3 s.
                #expect(started.duration(to: .now) < .seconds(9))
                // A timeout is not retried: the provider sees the request at most once. (On a loaded
                // machine the connection itself may not open within the 0.3 s, and then it sees none.)
                let deadline = ContinuousClock.now + .seconds(3)
                while upstream.received.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
                try await Task.sleep(for: .milliseconds(300))
                #expect(upstream.received.count <= 1)
            }
        }
    }

    @Test("a provider that sends its head and then stalls the body is cut off at timeoutSeconds with 504")
    func bodyTimeout() async throws {
        let release = TestSignal()
        let upstream = FakeUpstream([.stream(events: ["{\"partial\":", "true}"], holdAfter: 1, hold: release)])
        try await upstream.run { url in
            defer { release.fire() }
            try await GatewayHarness.run(TestConfig.single(url: url, timeout: 0.5)) { gateway in
                let started = ContinuousClock.now
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                GateDenialTests.expectDenial(response, status: 504, gate: "upstream", code: "upstream_timeout")
                // The stalled body is never released while the request runs: the gateway's 0.5 s timeout
                // ended it, far sooner than the client's own 30 s, with room for a loaded machine.
                #expect(started.duration(to: .now) < .seconds(10))
            }
        }
    }

    @Test("weighted choice picks the first target in proportion to weight; the rest follow in listed order")
    func weightedPlan() {
        var generator = SplitMix64(seed: 42)
        let targets = [
            RouteTarget(provider: "a", model: "m", weight: 3), RouteTarget(provider: "b", model: "m", weight: 1),
            RouteTarget(provider: "c", model: "m", weight: 0),
        ]
        var firsts: [String: Int] = [:]
        for _ in 0..<4000 {
            let order = TargetPlan.order(targets, using: &generator)
            firsts[order[0].provider, default: 0] += 1
            #expect(order.count == 3)
            #expect(order.last?.provider == "c")
        }
        #expect(firsts["c"] == nil)
        #expect((2800...3200).contains(firsts["a"] ?? 0))
    }
}

@Suite("The upstream client: pooled keep-alive connections")
struct UpstreamClientTests {
    /// A chat request head for a body of `{}`, as these tests send it.
    static var chatHead: OutgoingHead {
        var head = OutgoingHead(method: "POST", target: "/v1/chat/completions")
        head.add("host", "127.0.0.1")
        head.add("content-length", "2")
        return head
    }

    /// The loopback origin of a test upstream's base URL.
    static func origin(of url: String) -> UpstreamOrigin {
        UpstreamOrigin(host: "127.0.0.1", port: URLComponents(string: url)!.port!, tls: false)
    }

    @Test("a provider key is trimmed of a key file's newline; a key with control characters is not sent")
    func providerKey() {
        #expect(ProviderHTTP.credential(key: "sk-abc\n") == "sk-abc")
        #expect(ProviderHTTP.credential(key: "  sk-abc ") == "sk-abc")
        #expect(ProviderHTTP.credential(key: "sk-a\r\nx-injected: 1") == nil)
        #expect(ProviderHTTP.credential(key: "sk-\u{0}") == nil)
        #expect(ProviderHTTP.credential(key: " \n") == nil)
    }

    @Test("sequential requests reuse one upstream connection")
    func reuse() async throws {
        let upstream = KeepAliveUpstream()
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                for _ in 0..<20 {
                    let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                    #expect(response.status == 200)
                }
            }
        }
        // One connection per event loop the requests ran on, at most: never one per request.
        #expect(upstream.connections <= System.coreCount)
    }

    @Test("an answer framed by the close (HTTP/1.0, no length), after an informational head, reaches the client whole; the connection is not reused")
    func closeDelimited() async throws {
        let body = FakeUpstream.completion()
        let upstream = RawUpstream("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n\(body)", close: true)
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                for _ in 0..<3 {
                    let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                    #expect(response.status == 200)
                    #expect(response.body == body)
                }
                #expect(await gateway.recorder.waitForRecords(3).allSatisfy { $0.attempts == 1 && $0.inputTokens > 0 })
            }
        }
        #expect(upstream.connections == 3)
    }

    @Test("a provider's hostile or malformed answer gives 503 upstream_unreachable, and the gateway goes on serving")
    func hostileAnswer() async throws {
        for answer in [
            "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}",
            "SSH-2.0-OpenSSH_9.2\r\n\r\n",
        ] {
            let upstream = RawUpstream(answer)
            try await upstream.run { url in
                try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                    for _ in 0..<2 {
                        let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                        GateDenialTests.expectDenial(response, status: 503, gate: "upstream", code: "upstream_unreachable")
                    }
                }
            }
        }
    }

    /// With `.close`, half the time the close has arrived before the next request and half the
    /// time it races it; with `.resetUnread`, each request after the first goes out on a
    /// connection the provider no longer reads, and is reset.
    @Test(
        "a pooled connection the provider closed or reset while idle is replaced without failing the request",
        arguments: [(KeepAliveUpstream.IdleEnd.close, 10), (.resetUnread, 4)])
    func replacedConnection(idleEnd: KeepAliveUpstream.IdleEnd, requests: Int) async throws {
        let upstream = KeepAliveUpstream(idleEnd: idleEnd)
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                for index in 0..<requests {
                    let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                    #expect(response.status == 200)
                    if index.isMultiple(of: 2) { try await Task.sleep(for: .milliseconds(5)) }
                }
                let records = await gateway.recorder.waitForRecords(requests)
                #expect(records.allSatisfy { $0.attempts == 1 && $0.status == 200 }, "a replaced connection is not a retry of the gate")
            }
        }
        #expect(upstream.connections == requests)
    }

    @Test("a reset, a broken pipe and TLS closed without notice count as the provider's close; other failures do not")
    func closeErrors() {
        #expect(UpstreamConnection.Handler.isClose(IOError(errnoCode: ECONNRESET, reason: "read")))
        #expect(UpstreamConnection.Handler.isClose(IOError(errnoCode: EPIPE, reason: "write")))
        #expect(UpstreamConnection.Handler.isClose(NIOSSLError.uncleanShutdown))
        #expect(!UpstreamConnection.Handler.isClose(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(!UpstreamConnection.Handler.isClose(NIOSSLError.writeDuringTLSShutdown))
        #expect(!UpstreamConnection.Handler.isClose(ChannelError.ioOnClosedChannel))
    }

    @Test("an https provider is verified: reached when its tlsCAFile holds the certificate; 503 with the system roots alone or a missing CA file")
    func tls() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-tls-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("key.pem").path
        let certificate = folder.appendingPathComponent("certificate.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost", "-days", "1", "-keyout", key, "-out", certificate,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl makes the test certificate")
        let server = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))))
        let upstream = KeepAliveUpstream(tls: server)
        try await upstream.run { url in
            var trusting = TestConfig.single(url: url)
            trusting.providers[0].tlsCAFile = certificate
            try await GatewayHarness.run(trusting) { gateway in
                for _ in 0..<3 {
                    let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                    #expect(response.status == 200)
                    #expect(response.body.contains("Hello from upstream"))
                }
            }
            var missing = trusting
            missing.providers[0].tlsCAFile = folder.appendingPathComponent("missing.pem").path
            for config in [TestConfig.single(url: url), missing] {
                try await GatewayHarness.run(config) { gateway in
                    let refused = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                    #expect(refused.status == 503)
                    #expect(refused.body.contains("upstream_unreachable"))
                }
            }
        }
        // Verified connections are reused (one per event loop at most), plus the one refused handshake.
        #expect(upstream.connections <= System.coreCount + 1)
    }

    @Test("a slow reader holds a fast provider back: the client stops reading instead of buffering the stream")
    func backPressure() async throws {
        // 256 MiB: more than the kernel's loopback socket buffers can hold, so without
        // back-pressure the provider would finish while the reader pauses.
        let upstream = FirehoseUpstream(chunks: 4096, chunkBytes: 64 * 1024)
        let total = upstream.chunks * upstream.chunkBytes
        let client = UpstreamClient(connectTimeoutSeconds: TestConfig.connectTimeout)
        try await upstream.run { port in
            let head = Self.chatHead
            let answer = try await client.send(
                to: UpstreamOrigin(host: "127.0.0.1", port: port, tls: false), request: head.wire(body: ByteBuffer(string: "{}")), stream: true,
                maxBytes: 1 << 20, connectTimeout: nil, firstByteDeadline: .now() + .seconds(30), deadline: .now() + .seconds(120))
            guard case .streaming(_, let chunks) = answer else {
                Issue.record("expected a stream")
                return
            }
            var iterator = chunks.makeAsyncIterator()
            var received = try await iterator.next()?.readableBytes ?? 0
            try await Task.sleep(for: .seconds(1))
            let ahead = upstream.bytesWritten
            #expect(ahead < total / 8, "the provider got \(ahead >> 20) MiB of \(total >> 20) MiB ahead of a paused reader")
            while let chunk = try await iterator.next() { received += chunk.readableBytes }
            #expect(received == total)
        }
        await client.shutdown()
    }

    /// The chunks past the buffer's high watermark turn the connection's reads off in the same
    /// read that ends the answer, and no reader takes a chunk to turn them on again: the end
    /// must, or the pooled connection would never read its next answer.
    @Test("a stream that fills the chunk buffer in the read that ends it goes back to the pool reading")
    func pausedByItsLastRead() async throws {
        let events = (0..<(UpstreamChunks.highWatermark + 4)).map { "data: {\"n\":\($0)}\n\n" }
        let body = events.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined() + "0\r\n\r\n"
        let upstream = RawUpstream("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        // One loop, so the second request is sent on the pool's connection from the first.
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = UpstreamClient(group: loop, connectTimeoutSeconds: TestConfig.connectTimeout)
        try await upstream.run { url in
            let head = Self.chatHead
            let origin = Self.origin(of: url)
            var received: [Int] = []
            var unread: UpstreamChunks?  // held, so that its end is not taken for a reader gone away
            for _ in 0..<2 {
                let answer = try await client.send(
                    to: origin, request: head.wire(body: ByteBuffer(string: "{}")), stream: true, maxBytes: 1 << 20, connectTimeout: nil,
                    firstByteDeadline: .now() + .seconds(5), deadline: .now() + .seconds(10))
                guard case .streaming(_, let chunks) = answer else {
                    Issue.record("expected a stream")
                    return
                }
                // The first stream is left unread; the second is read to its end.
                if unread == nil {
                    unread = chunks
                    received.append(0)
                    continue
                }
                var count = 0
                for try await _ in chunks { count += 1 }
                received.append(count)
            }
            #expect(received == [0, events.count])
            #expect(upstream.connections == 1, "the second request went out on the first one's connection")
            withExtendedLifetime(unread) {}
        }
        await client.shutdown()
        try await loop.shutdownGracefully()
    }

    /// Each event loop keeps its own idle connections, the client's group's loops and any other
    /// caller's loop alike; ``UpstreamClient/shutdown()`` closes every loop's.
    @Test("a caller's loop outside the client's group reuses its own idle connection, and shutdown closes it")
    func poolOfAnotherGroupsLoop() async throws {
        let upstream = RawUpstream("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        let own = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let other = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = UpstreamClient(group: own, connectTimeoutSeconds: TestConfig.connectTimeout)
        try await upstream.run { url in
            let head = Self.chatHead
            let origin = Self.origin(of: url)
            let loop = other.next()
            // Started on the other group's loop, as a server on that group would.
            func status() async throws -> UInt {
                try await loop.flatSubmit { () -> EventLoopFuture<UInt> in
                    let promise = loop.makePromise(of: UInt.self)
                    client.start(
                        to: origin, request: head.wire(body: ByteBuffer(string: "{}")), stream: false, maxBytes: 1 << 20, connectTimeout: nil,
                        firstByteDeadline: .now() + .seconds(5), deadline: .now() + .seconds(10), on: loop, call: UpstreamCall()
                    ) { answer in
                        switch answer {
                        case .success(.complete(let head, _)): promise.succeed(head.status.code)
                        case .success: promise.fail(ChannelError.inappropriateOperationForState)
                        case .failure(let failure): promise.fail(failure)
                        }
                    }
                    return promise.futureResult
                }.get()
            }
            for _ in 0..<3 {
                let answered = try await status()
                #expect(answered == 200)
            }
            #expect(upstream.connections == 1, "the later requests went out on the first one's idle connection")
            await client.shutdown()
            // Shut down, the pool no longer holds that connection: the next request opens another.
            let answered = try await status()
            #expect(answered == 200)
            #expect(upstream.connections == 2)
        }
        await client.shutdown()
        try await own.shutdownGracefully()
        try await other.shutdownGracefully()
    }
}
