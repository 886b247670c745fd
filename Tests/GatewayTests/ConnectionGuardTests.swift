import GatewayModel
import NIOCore
import NIOEmbedded
import Telemetry
import Testing

@testable import Gateway

@Suite("The connection guard's sweep: a deadline is enforced once the loop has had a chance to read")
struct ConnectionGuardTests {
    /// A connected channel with a guard whose header timeout is 1 s, and the guard's counters.
    static func guarded() async throws -> (EmbeddedChannel, ConnectionGuard, ConnectionCounters) {
        let channel = EmbeddedChannel()
        let counters = ConnectionCounters()
        let limits = ListenerLimits(settings: GatewaySettings(maxConnections: 16, headerTimeoutSeconds: 1, bodyTimeoutSeconds: 1, idleTimeoutSeconds: 1))
        let guarding = ConnectionGuard(
            limits: limits, maxRequestBytes: { 1 << 20 }, counters: counters, registry: LoopConnections(eventLoop: channel.embeddedEventLoop))
        try channel.pipeline.syncOperations.addHandler(guarding)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        return (channel, guarding, counters)
    }

    static func headerTimeouts(_ counters: ConnectionCounters) -> UInt64 {
        counters.snapshot().closed[ConnectionCounters.Closure.headerTimeout.rawValue]
    }

    @Test("a connection past its header deadline stays open at the first sweep that finds it so, and closes at the next")
    func secondSweepCloses() async throws {
        let (channel, guarding, counters) = try await Self.guarded()
        let late = NIODeadline.now() + .seconds(5)
        guarding.sweep(now: late)
        #expect(channel.isActive, "the loop may not yet have read what arrived in time")
        #expect(Self.headerTimeouts(counters) == 0)
        guarding.sweep(now: late + .milliseconds(250))
        #expect(!channel.isActive)
        #expect(Self.headerTimeouts(counters) == 1)
    }

    @Test("bytes read between two sweeps move the deadline: the connection is not closed for the old one")
    func readBetweenSweeps() async throws {
        let (channel, guarding, counters) = try await Self.guarded()
        let late = NIODeadline.now() + .seconds(5)
        guarding.sweep(now: late)
        // What the socket held is read before the next sweep: the head's first bytes.
        try channel.writeInbound(ByteBuffer(string: "POST /v1/chat/completions HTTP/1.1\r\n"))
        guarding.sweep(now: late + .milliseconds(250))
        #expect(channel.isActive, "the deadline moved with the read")
        #expect(Self.headerTimeouts(counters) == 0)
        // The head never completes: its own deadline passes at two sweeps, and the connection closes.
        guarding.sweep(now: late + .milliseconds(500))
        #expect(!channel.isActive)
        #expect(Self.headerTimeouts(counters) == 1)
    }
}
