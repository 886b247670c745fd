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
    private let idle = Mutex<[PoolKey: IdleConnections]>([:])

    /// At most this many idle connections are kept per origin and event loop.
    static let maxIdlePerKey = 256

    /// A client whose connections give up connecting after `connectTimeoutSeconds` and are
    /// dropped after `idleTimeoutSeconds` unused. `https` providers are verified against the
    /// system's trust roots, plus the CA file of their origin if any, with hostname verification.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, connectTimeoutSeconds: Double, idleTimeoutSeconds: Double = 60) {
        self.group = group
        self.connectTimeout = .nanoseconds(Int64(connectTimeoutSeconds * 1e9))
        self.idleTimeout = .nanoseconds(Int64(idleTimeoutSeconds * 1e9))
    }

    private struct PoolKey: Hashable {
        let origin: UpstreamOrigin
        let loop: ObjectIdentifier
    }

    /// The idle connections of one pool key, newest last. A class, so that taking and returning
    /// one changes it in place, under the pool's lock, without the dictionary's `modify` accessor.
    private final class IdleConnections {
        var connections: [UpstreamConnection] = []
    }

    /// Sends one request and returns the answer's head with its whole body, or, for a 2xx answer
    /// to a streamed request, with its body as a stream. A pooled connection the provider closed
    /// while idle is replaced once, transparently.
    func send(
        to origin: UpstreamOrigin, head: OutgoingHead, body: ByteBuffer, stream: Bool, maxBytes: Int,
        connectTimeout: TimeAmount?, firstByteDeadline: NIODeadline, deadline: NIODeadline
    ) async throws(UpstreamFailure) -> UpstreamConnection.Answer {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? group.next()
        let key = PoolKey(origin: origin, loop: ObjectIdentifier(loop))
        var reused = takeIdle(key)
        while true {
            let connection: UpstreamConnection
            if let pooled = reused {
                connection = pooled
            } else {
                connection = try await connect(to: origin, on: loop, timeout: connectTimeout ?? self.connectTimeout, deadline: firstByteDeadline)
            }
            do {
                return try await withTaskCancellationHandler {
                    try await connection.execute(
                        head: head, body: body, stream: stream, maxBytes: maxBytes, firstByteDeadline: firstByteDeadline, deadline: deadline
                    ) { [self] reusable in
                        if reusable { putIdle(connection, key) }
                    }
                } onCancel: {
                    connection.channel.close(promise: nil)
                }
            } catch {
                if Task.isCancelled { throw .cancelled }
                switch error as? UpstreamConnection.Failure {
                case .closedBeforeResponse where reused != nil:
                    reused = nil  // the provider closed it while it sat in the pool: once more on a new connection
                    continue
                case .closedBeforeResponse: throw .unreachable("the provider closed the connection before answering")
                case .timeout: throw .timeout
                case .tooLarge: throw .unreachable("the answer is larger than \(maxBytes) bytes")
                case .broken(let reason): throw .unreachable(reason)
                case nil: throw .unreachable(String(describing: error))
                }
            }
        }
    }

    /// Closes every idle connection; requests in flight finish on theirs.
    public func shutdown() async {
        let connections = idle.withLock { pool in
            defer { pool = [:] }
            return pool.values.flatMap(\.connections)
        }
        for connection in connections { try? await connection.channel.close() }
    }

    private func takeIdle(_ key: PoolKey) -> UpstreamConnection? {
        let now = NIODeadline.now()
        var stale: [UpstreamConnection] = []
        let found = idle.withLock { pool -> UpstreamConnection? in
            guard let idle = pool[key] else { return nil }
            while let connection = idle.connections.popLast() {
                if connection.channel.isActive && now - connection.idleSince < idleTimeout { return connection }
                stale.append(connection)
            }
            return nil
        }
        for connection in stale { connection.channel.close(promise: nil) }
        return found
    }

    private func putIdle(_ connection: UpstreamConnection, _ key: PoolKey) {
        let kept = idle.withLock { pool in
            let idle: IdleConnections
            if let known = pool[key] {
                idle = known
            } else {
                idle = IdleConnections()
                pool[key] = idle
            }
            guard idle.connections.count < Self.maxIdlePerKey else { return false }
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

    private func connect(
        to origin: UpstreamOrigin, on loop: any EventLoop, timeout connectTimeout: TimeAmount, deadline: NIODeadline
    ) async throws(UpstreamFailure) -> UpstreamConnection {
        let sslContext = origin.tls ? try context(for: origin) : nil
        let timeout = min(connectTimeout, max(.zero, deadline - .now()))
        do {
            return try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: origin.host, port: origin.port) { [sslContext] channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            let sni = origin.host.isIPAddress ? nil : origin.host
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: sni))
                        }
                        let handler = UpstreamConnection.Handler()
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return UpstreamConnection(channel: channel, handler: handler)
                    }
                }
        } catch {
            if Task.isCancelled { throw .cancelled }
            if let error = error as? ChannelError, case .connectTimeout = error { throw .timeout }
            throw .unreachable("cannot connect to \(origin): \(error)")
        }
    }
}

/// Scheme, host and port of a provider's base URL, and the CA file its certificate is checked
/// against: what a pooled connection can be reused for.
struct UpstreamOrigin: Hashable, Sendable, CustomStringConvertible {
    let host: String
    let port: Int
    let tls: Bool
    var caFile: String? = nil

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
