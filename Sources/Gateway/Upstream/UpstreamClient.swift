import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

import struct Foundation.URL

/// The HTTP/1.1 client every provider sends through: keep-alive connections pooled per provider
/// origin and per event loop, so a request's upstream exchange runs on the thread that serves its
/// client, with the request written in one flush and no hop between threads. One per process;
/// ``UpstreamClientService`` closes its idle connections at shutdown.
public final class UpstreamClient: Sendable {
    private let group: any EventLoopGroup
    private let connectTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// TLS contexts by extra CA file (nil: the system's roots alone), built on first use. A file
    /// that cannot be read is tried again on the next connection, so fixing it needs no restart.
    private let contexts = Mutex<[String?: NIOSSLContext]>([:])
    /// The idle connections of each of the group's event loops: each loop keeps its own, so that
    /// taking and returning one never waits for another loop. Found by a scan, not a hash.
    private let loopPools: [(loop: ObjectIdentifier, pool: LoopPool)]
    /// The pools of loops outside the group (a caller's own loop of another group), made on first use.
    private let otherPools = Mutex<[ObjectIdentifier: LoopPool]>([:])

    /// At most this many idle connections are kept per origin and event loop.
    static let maxIdlePerKey = 256

    /// A client whose connections give up connecting after `connectTimeoutSeconds` and are
    /// dropped after `idleTimeoutSeconds` unused. `https` providers are verified against the
    /// system's trust roots, plus the CA file of their origin if any, with hostname verification.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, connectTimeoutSeconds: Double, idleTimeoutSeconds: Double = 60) {
        self.group = group
        self.connectTimeout = .nanoseconds(Int64(connectTimeoutSeconds * 1e9))
        self.idleTimeout = .nanoseconds(Int64(idleTimeoutSeconds * 1e9))
        self.loopPools = group.makeIterator().map { (ObjectIdentifier($0), LoopPool()) }
    }

    /// One event loop's idle connections by origin, newest last. Only its loop takes and returns
    /// them; the lock, never contended then, lets ``shutdown()`` close them from outside.
    private final class LoopPool: Sendable {
        let idle = Mutex<[UpstreamOrigin: IdleConnections]>([:])
    }

    /// The idle connections of one origin, newest last. A class, so that taking and returning one
    /// changes it in place, without the dictionary's `modify` accessor (which copies the array).
    private final class IdleConnections {
        var connections: [UpstreamConnection] = []
    }

    /// Sends one request (``OutgoingHead/wire(body:)``) and returns the answer's head with its
    /// whole body, or, for a 2xx answer to a streamed request, with its body as a stream.
    func send(
        to origin: UpstreamOrigin, request: (head: ByteBuffer, body: ByteBuffer?), stream: Bool, maxBytes: Int,
        connectTimeout: TimeAmount?, firstByteDeadline: NIODeadline, deadline: NIODeadline
    ) async throws(UpstreamFailure) -> UpstreamConnection.Answer {
        let loop = callersLoop
        return try await UpstreamCall.wait(on: loop) { [self] call, reply in
            start(
                to: origin, request: request, stream: stream, maxBytes: maxBytes, connectTimeout: connectTimeout,
                firstByteDeadline: firstByteDeadline, deadline: deadline, on: loop, call: call, reply: reply)
        }
    }

    /// Sends one request from `loop` (the caller's own) and calls `reply` on it with the answer,
    /// as ``send(to:request:stream:maxBytes:connectTimeout:firstByteDeadline:deadline:)``
    /// returns it. A pooled connection the provider closed while idle is replaced once,
    /// transparently. `call` closes the connection in use when the client goes away.
    func start(
        to origin: UpstreamOrigin, request: (head: ByteBuffer, body: ByteBuffer?), stream: Bool, maxBytes: Int, connectTimeout: TimeAmount?,
        firstByteDeadline: NIODeadline, deadline: NIODeadline, on loop: any EventLoop, call: UpstreamCall,
        reply: @escaping (Result<UpstreamConnection.Answer, UpstreamFailure>) -> Void
    ) {
        assert(loop.inEventLoop, "an upstream exchange starts on its own event loop")
        let pool = self.pool(of: loop)
        let timeout = connectTimeout ?? self.connectTimeout
        func connectAndExchange() {
            connect(to: origin, on: loop, timeout: timeout, deadline: firstByteDeadline, call: call) {
                switch $0 {
                case .success(let connection): exchange(on: connection, reused: false)
                case .failure(let failure): reply(.failure(failure))
                }
            }
        }
        func exchange(on connection: UpstreamConnection, reused: Bool) {
            guard !call.isCancelled else {
                Self.putIdle(connection, origin, in: pool)
                return reply(.failure(.cancelled))
            }
            call.onCancel = { connection.channel.close(promise: nil) }
            connection.start(
                request: request, stream: stream, maxBytes: maxBytes, firstByteDeadline: firstByteDeadline, deadline: deadline,
                release: { reusable in if reusable { Self.putIdle(connection, origin, in: pool) } }
            ) { answer in
                call.onCancel = nil
                switch answer {
                case .success(let answer): reply(.success(answer))
                case .failure where call.isCancelled: reply(.failure(.cancelled))
                case .failure(.closedBeforeResponse) where reused: connectAndExchange()  // the provider closed it while it sat in the pool: once more on a new connection
                case .failure(let failure): reply(.failure(Self.failure(failure, maxBytes: maxBytes)))
                }
            }
        }
        guard !call.isCancelled else { return reply(.failure(.cancelled)) }
        if let pooled = takeIdle(origin, from: pool) {
            exchange(on: pooled, reused: true)
        } else {
            connectAndExchange()
        }
    }

    /// What the forwarder is told of a failed exchange.
    private static func failure(_ failure: UpstreamConnection.Failure, maxBytes: Int) -> UpstreamFailure {
        switch failure {
        case .closedBeforeResponse: .unreachable("the provider closed the connection before answering")
        case .timeout: .timeout
        case .tooLarge: .unreachable("the answer is larger than \(maxBytes) bytes")
        case .broken(let reason): .unreachable(reason)
        }
    }

    /// The event loop a request is sent from: the caller's own, or any for a caller outside them.
    var callersLoop: any EventLoop { MultiThreadedEventLoopGroup.currentEventLoop ?? group.next() }

    /// Closes every idle connection; requests in flight finish on theirs.
    public func shutdown() async {
        let pools = loopPools.map(\.pool) + otherPools.withLock { Array($0.values) }
        let connections = pools.flatMap { pool in
            pool.idle.withLock { idle in
                defer { idle = [:] }
                return idle.values.flatMap(\.connections)
            }
        }
        for connection in connections { try? await connection.channel.close() }
    }

    /// The idle connections of `loop`.
    private func pool(of loop: any EventLoop) -> LoopPool {
        let id = ObjectIdentifier(loop)
        for entry in loopPools where entry.loop == id { return entry.pool }
        return otherPools.withLock { pools in
            if let known = pools[id] { return known }
            let pool = LoopPool()
            pools[id] = pool
            return pool
        }
    }

    private func takeIdle(_ origin: UpstreamOrigin, from pool: LoopPool) -> UpstreamConnection? {
        let now = NIODeadline.now()
        var stale: [UpstreamConnection] = []
        let found = pool.idle.withLock { idle -> UpstreamConnection? in
            guard let idle = idle[origin] else { return nil }
            while let connection = idle.connections.popLast() {
                if connection.channel.isActive && now - connection.idleSince < idleTimeout { return connection }
                stale.append(connection)
            }
            return nil
        }
        for connection in stale { connection.channel.close(promise: nil) }
        return found
    }

    private static func putIdle(_ connection: UpstreamConnection, _ origin: UpstreamOrigin, in pool: LoopPool) {
        let kept = pool.idle.withLock { pool in
            let idle: IdleConnections
            if let known = pool[origin] {
                idle = known
            } else {
                idle = IdleConnections()
                pool[origin] = idle
            }
            guard idle.connections.count < maxIdlePerKey else { return false }
            connection.idleSince = .now()
            idle.connections.append(connection)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    /// The TLS context for `origin`: the base configuration, plus its CA file when it has one.
    private func context(for origin: UpstreamOrigin) throws(UpstreamFailure) -> NIOSSLContext {
        if let known = contexts.withLock({ $0[origin.caFile] }) { return known }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = origin.caFile { configuration.additionalTrustRoots.append(.file(file)) }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            contexts.withLock { $0[origin.caFile] = context }
            return context
        } catch {
            throw .unreachable("TLS setup failed\(origin.caFile.map { " (tlsCAFile \($0))" } ?? ""): \(error)")
        }
    }

    /// Opens a connection to `origin` on `loop` and calls `reply` on it; `call` abandons the
    /// attempt when the client goes away.
    private func connect(
        to origin: UpstreamOrigin, on loop: any EventLoop, timeout connectTimeout: TimeAmount, deadline: NIODeadline, call: UpstreamCall,
        reply: @escaping (Result<UpstreamConnection, UpstreamFailure>) -> Void
    ) {
        let sslContext: NIOSSLContext?
        do throws(UpstreamFailure) {
            sslContext = origin.tls ? try context(for: origin) : nil
        } catch {
            return reply(.failure(error))
        }
        let timeout = min(connectTimeout, max(.zero, deadline - .now()))
        let connecting = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let sni = origin.host.isIPAddress ? nil : origin.host
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: sni))
                    }
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection.Handler())
                }
            }
            .connect(host: origin.host, port: origin.port)
            .flatMapThrowing { channel in
                UpstreamConnection(channel: channel, handler: try channel.pipeline.syncOperations.handler(type: UpstreamConnection.Handler.self))
            }
        connecting.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let connection) where call.isCancelled:
                connection.channel.close(promise: nil)
                reply(.failure(.cancelled))
            case .success(let connection):
                reply(.success(connection))
            case .failure where call.isCancelled:
                reply(.failure(.cancelled))
            case .failure(let error):
                if let error = error as? ChannelError, case .connectTimeout = error { return reply(.failure(.timeout)) }
                reply(.failure(.unreachable("cannot connect to \(origin): \(error)")))
            }
        }
    }
}

/// Scheme, host and port of a provider's base URL, and the CA file its certificate is checked
/// against: what a pooled connection can be reused for.
struct UpstreamOrigin: Hashable, Sendable, CustomStringConvertible {
    let host: String
    let port: Int
    let tls: Bool
    let caFile: String?
    /// The hash of the four, taken once: the idle pools look an origin up twice per request.
    private let hash: Int

    init(host: String, port: Int, tls: Bool, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        var hasher = Hasher()
        hasher.combine(host)
        hasher.combine(port)
        hasher.combine(tls)
        hasher.combine(caFile)
        hash = hasher.finalize()
    }

    static func == (lhs: UpstreamOrigin, rhs: UpstreamOrigin) -> Bool {
        lhs.hash == rhs.hash && lhs.host == rhs.host && lhs.port == rhs.port && lhs.tls == rhs.tls && lhs.caFile == rhs.caFile
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    /// The origin of an `http` or `https` URL and its path with query (`/` when empty); nil for anything else.
    static func parse(_ text: String, caFile: String? = nil) -> (origin: UpstreamOrigin, target: String)? {
        guard let url = URL(string: text), let host = url.host, let scheme = url.scheme, ["http", "https"].contains(scheme) else { return nil }
        let tls = scheme == "https"
        var target = url.path(percentEncoded: true)
        if target.isEmpty { target = "/" }
        if let query = url.query(percentEncoded: true) { target += "?" + query }
        return (UpstreamOrigin(host: host, port: url.port ?? (tls ? 443 : 80), tls: tls, caFile: caFile), target)
    }

    /// The `Host` header: the port is left out when it is the scheme's default.
    var hostHeader: String { port == (tls ? 443 : 80) ? host : "\(host):\(port)" }

    var description: String { "\(tls ? "https" : "http")://\(hostHeader)" }
}

extension String {
    /// Whether this is an IPv4 or IPv6 literal (which TLS must not send as the server name).
    fileprivate var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
