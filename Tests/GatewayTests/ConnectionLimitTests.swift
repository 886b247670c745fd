import GatewayModel
import Foundation
import Gateway
import NIOCore
import NIOPosix
import Telemetry
import TestSupport
import Testing

/// Client connections are bounded: slow heads, stalled bodies and idle keep-alive connections
/// are closed on time, a flood of idle sockets at the cap cannot lock a normal client out, and
/// every raw byte of a request counts towards its size limit. Loopback only, bounded in count and time.
@Suite("Connection limits: timeouts, the connection cap, raw request size", .serialized)
struct ConnectionLimitTests {
    /// Short timeouts so that each case takes about a second.
    static func limits(maxConnections: Int = 4096, header: Double = 1, body: Double = 1, idle: Double = 1) -> ListenerLimits {
        ListenerLimits(
            settings: GatewaySettings(maxConnections: maxConnections, headerTimeoutSeconds: header, bodyTimeoutSeconds: body, idleTimeoutSeconds: idle))
    }

    static let config = TestConfig.single(url: "http://127.0.0.1:9/v1")

    /// A normal client's request, on a connection of its own, is answered, not starved. This
    /// process runs other suites at the same time on the same two event loops (a 256 MiB stream
    /// among them), and a loaded two-core run has taken 4.65 s here: the bound is 9 s, under the
    /// exchange's own 10 s timeout. The end-to-end tests hold a gateway process of its own to the
    /// 1 s bound under the same floods.
    static func expectServedPromptly(_ gateway: GatewayHarness, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let started = ContinuousClock.now
        let request = RawHTTP.chat("mock-gpt").replacingOccurrences(of: "Connection: keep-alive", with: "Connection: close")
        let (response, _) = await RawHTTP.exchange(port: gateway.port, head: request, body: [], timeoutSeconds: 10)
        #expect(response.hasPrefix("HTTP/1.1 200"), "got \(response.prefix(200))", sourceLocation: sourceLocation)
        #expect(started.duration(to: .now) < .seconds(9), "a normal client waited \(started.duration(to: .now))", sourceLocation: sourceLocation)
    }

    /// Whether the gateway counts at least `count` connections closed for `closure`. A close is
    /// counted once the gateway's side of it completes, a moment after the client sees it.
    static func counted(_ closure: ConnectionCounters.Closure, atLeast count: Int, _ gateway: GatewayHarness) async -> Bool {
        await Eventually.holds(within: .seconds(3)) { gateway.connections.snapshot().closed[closure.rawValue] >= count }
    }

    @Test("slowloris: heads trickled one byte at a time are closed at the header timeout; a normal client is served meanwhile")
    func slowloris() async throws {
        // A header timeout of 3 s, not 1: the normal client's connection is under the same
        // timeout, and an event loop this process's other suites keep busy for over a second
        // (see expectServedPromptly) runs the expired timer before it reads the waiting request.
        try await GatewayHarness.run(Self.config, limits: Self.limits(header: 3)) { gateway in
            let sockets = await RawSockets.open(200, port: gateway.port)
            #expect(sockets.fds.count == 200)
            for byte in ["P", "O", "S", "T", " "] {
                await sockets.send(byte)
                try await Self.expectServedPromptly(gateway)
                try await Task.sleep(for: .milliseconds(150))
            }
            #expect(await sockets.closedCount(within: 5) == 200)
            sockets.closeAll()
            #expect(await Self.counted(.headerTimeout, atLeast: 200, gateway))
        }
    }

    @Test("connections that never send a byte, and kept-alive ones left idle, are closed on time")
    func idle() async throws {
        // The kept-alive sockets send their request first, well inside the header timeout; the
        // silent ones are opened after them.
        try await GatewayHarness.run(Self.config, limits: Self.limits(header: 2, idle: 1)) { gateway in
            let kept = await RawSockets.open(50, port: gateway.port)
            await kept.send(RawHTTP.chat("mock-gpt"))
            let silent = await RawSockets.open(300, port: gateway.port)
            try await Self.expectServedPromptly(gateway)
            #expect(await kept.closedCount(within: 4) == 50)
            #expect(await silent.closedCount(within: 4) == 300)
            silent.closeAll()
            kept.closeAll()
            #expect(await Self.counted(.headerTimeout, atLeast: 300, gateway))
            #expect(await Self.counted(.idleTimeout, atLeast: 50, gateway))
        }
    }

    @Test("a body that stops arriving is closed at the body timeout")
    func stalledBody() async throws {
        try await GatewayHarness.run(Self.config, limits: Self.limits(header: 10, body: 1)) { gateway in
            let sockets = await RawSockets.open(20, port: gateway.port)
            await sockets.send(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(testKey)\r\nContent-Length: 1000\r\n\r\n{\"model\":")
            try await Self.expectServedPromptly(gateway)
            #expect(await sockets.closedCount(within: 3) == 20)
            sockets.closeAll()
            #expect(await Self.counted(.bodyTimeout, atLeast: 20, gateway))
        }
    }

    @Test("at the connection cap, the longest-idle sockets make room: a flood of idle sockets cannot lock a normal client out")
    func capSheds() async throws {
        try await GatewayHarness.run(Self.config, limits: Self.limits(maxConnections: 32, header: 30, idle: 30)) { gateway in
            let flood = await RawSockets.open(400, port: gateway.port)
            for _ in 0..<5 { try await Self.expectServedPromptly(gateway) }
            #expect(await flood.closedCount(within: 3) >= 400 - 32, "the flood beyond the cap is closed")
            #expect(await Self.counted(.shed, atLeast: 400 - 32, gateway))
            flood.closeAll()
            try await Self.expectDrained(gateway)
        }
    }

    @Test("at the cap, a connection whose loop has none idle takes the place of an idle one on the other loop")
    func capShedsAcrossLoops() async throws {
        // A group of its own, so that the listener alone draws its loops: connections alternate between the two.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let release = TestSignal()
        let upstream = FakeUpstream([.held(release, .json(status: 200, body: FakeUpstream.completion()))])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url), limits: Self.limits(maxConnections: 4, header: 30, idle: 30), group: group) { gateway in
                var sockets: [RawSockets] = []
                for _ in 0..<4 { sockets.append(await RawSockets.open(1, port: gateway.port)) }
                // The second and fourth connections share a loop: both answering, that loop has none idle.
                await sockets[1].send(RawHTTP.chat())
                await sockets[3].send(RawHTTP.chat())
                for _ in 0..<500 where upstream.received.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
                #expect(upstream.received.count == 2)
                // The fifth lands on the idle loop and takes the first's place; the sixth lands on the busy one.
                sockets.append(await RawSockets.open(1, port: gateway.port))
                #expect(await sockets[0].closedCount(within: 2) == 1)
                sockets.append(await RawSockets.open(1, port: gateway.port))
                #expect(await sockets[2].closedCount(within: 2) == 1, "the other loop's idle connection makes room")
                #expect(await sockets[5].closedCount(within: 0.3) == 0, "the sixth connection is admitted, not refused")
                await sockets[5].send(RawHTTP.chat())
                for _ in 0..<500 where upstream.received.count < 3 { try await Task.sleep(for: .milliseconds(5)) }
                #expect(upstream.received.count == 3, "its request is read once room is made")
                let counts = gateway.connections.snapshot()
                #expect(counts.refused == 0)
                #expect(counts.closed[ConnectionCounters.Closure.shed.rawValue] == 2)
                release.fire()
                for socket in sockets { socket.closeAll() }
                try await Self.expectDrained(gateway)
            }
        }
        try await group.shutdownGracefully()
    }

    @Test("at the connection cap with every connection answering, a new connection is refused and counted")
    func capRefuses() async throws {
        let upstream = FakeUpstream([.delayed(.milliseconds(1500), .json(status: 200, body: FakeUpstream.completion()))])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url), limits: Self.limits(maxConnections: 8, header: 30, idle: 30)) { gateway in
                let busy = await RawSockets.open(8, port: gateway.port)
                await busy.send(RawHTTP.chat())
                // Every connection is answering once the provider holds all eight requests.
                for _ in 0..<500 where upstream.received.count < 8 { try await Task.sleep(for: .milliseconds(5)) }
                #expect(upstream.received.count == 8)
                let late = await RawSockets.open(4, port: gateway.port)
                #expect(await late.closedCount(within: 1) == 4, "connections beyond the cap are closed at once")
                #expect(gateway.connections.snapshot().refused >= 4)
                #expect(await busy.closedCount(within: 0.2) == 0, "requests in progress are never shed")
                late.closeAll()
                busy.closeAll()
                try await Self.expectDrained(gateway)
            }
        }
    }

    /// Once the test's sockets are closed, the gateway's count of open connections falls back.
    static func expectDrained(_ gateway: GatewayHarness, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<100 where gateway.connections.openCount > 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(gateway.connections.openCount <= 2, sourceLocation: sourceLocation)
    }

    @Test("chunk extensions count towards the size limit: 413 from payload, and the connection closes")
    func chunkExtensions() async throws {
        let config = TestConfig.single(url: "http://127.0.0.1:9/v1", maxRequestBytes: 64 * 1024)
        try await GatewayHarness.run(config, limits: Self.limits(body: 5)) { gateway in
            let head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(testKey)\r\nTransfer-Encoding: chunked\r\n\r\n"
            var body = [UInt8]()
            for _ in 0..<100 { body += Array("1;\(String(repeating: "x", count: 4000))\r\n{\r\n".utf8) }
            let (response, closed) = await RawHTTP.exchange(port: gateway.port, head: head, body: body, timeoutSeconds: 5)
            #expect(response.hasPrefix("HTTP/1.1 413"))
            #expect(response.contains("x-gateway-gate: payload"))
            #expect(closed)
            #expect(gateway.connections.snapshot().closed[ConnectionCounters.Closure.requestTooLarge.rawValue] == 1)
        }
    }

    @Test("a pipelined connection that turns to garbage gets its earlier answers, then 400, then closes")
    func pipelinedGarbage() async throws {
        try await GatewayHarness.run(Self.config, limits: Self.limits()) { gateway in
            let requests = RawHTTP.chat("mock-gpt") + RawHTTP.chat("mock-gpt") + "NOT HTTP AT ALL\r\n\r\n"
            let (response, closed) = await RawHTTP.exchange(port: gateway.port, head: requests, body: [], timeoutSeconds: 5)
            // Answers follow each other directly: a status line starts after the previous body.
            let statuses = response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            #expect(statuses == ["200", "200", "400"])
            #expect(closed)
            #expect(response.contains("\"code\":\"invalid_request\""))
        }
    }

    @Test("the default cap leaves room below the descriptor limit")
    func defaultCap() {
        #expect(ListenerLimits.defaultMaxConnections(descriptorLimit: 1024) == 384)
        #expect(ListenerLimits.defaultMaxConnections(descriptorLimit: 256) == 96)
        #expect(ListenerLimits.defaultMaxConnections(descriptorLimit: 16) == 16)
        #expect(ListenerLimits.defaultMaxConnections(descriptorLimit: 1 << 20) == ((1 << 20) - 256) / 2)
    }
}
