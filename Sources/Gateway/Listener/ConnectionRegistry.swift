import NIOCore
import Synchronization
import Telemetry

/// Bounds the data plane's client connections at ``ListenerLimits/maxConnections``. At the cap a
/// new connection takes the place of the connection that has been idle longest on its event loop
/// or, with none idle there, on another loop (a flood of idle sockets cannot lock clients out,
/// however the connections fell across the loops); with none idle anywhere it is refused and closed.
final class ConnectionRegistry: Sendable {
    let limits: ListenerLimits
    let counters: ConnectionCounters
    private let loops = Mutex<[ObjectIdentifier: LoopBox]>([:])

    /// One loop's connections, only ever used on that loop, and the task that sweeps them.
    private struct LoopBox: @unchecked Sendable {
        let connections: LoopConnections
        let sweep: RepeatedTask
    }

    init(limits: ListenerLimits, counters: ConnectionCounters) {
        self.limits = limits
        self.counters = counters
    }

    /// The connections of `eventLoop`; call on that loop.
    func connections(on eventLoop: any EventLoop) -> LoopConnections {
        loops.withLock { loops in
            if let box = loops[ObjectIdentifier(eventLoop)] { return box.connections }
            let connections = LoopConnections(eventLoop: eventLoop)
            let bound = NIOLoopBound(connections, eventLoop: eventLoop)
            let sweep = eventLoop.scheduleRepeatedTask(initialDelay: limits.sweepInterval, delay: limits.sweepInterval) { _ in bound.value.sweep() }
            loops[ObjectIdentifier(eventLoop)] = LoopBox(connections: connections, sweep: sweep)
            return connections
        }
    }

    /// What ``admit(on:)`` decided for a new connection.
    enum Admission {
        /// Under the cap, or in place of the longest-idle connection of its own loop.
        case admitted
        /// At the cap, and its loop is the only one: no connection is idle.
        case refused
        /// At the cap with no idle connection on its loop: it is counted open, and waits with its
        /// reads held while ``makeRoom(for:channel:)`` asks the other loops.
        case pending
    }

    /// Admits a new connection on `eventLoop` (call on that loop): under the cap, or in place of
    /// an idle one of the same loop; else it is pending, or refused when there is no other loop.
    func admit(on eventLoop: any EventLoop) -> Admission {
        guard counters.openCount >= limits.maxConnections else {
            counters.opened()
            return .admitted
        }
        if connections(on: eventLoop).shedOldestIdle() {
            counters.opened()
            return .admitted
        }
        guard !otherLoops(than: eventLoop).isEmpty else {
            counters.countRefused()
            return .refused
        }
        counters.opened()
        return .pending
    }

    /// Asks the other loops in turn to close their longest-idle connection to make room for the
    /// pending `connection`: its reads resume when one does; when none can, it is refused (closed
    /// and counted as refused, after it was counted as accepted). Call on the channel's loop.
    func makeRoom(for connection: ConnectionGuard, channel: any Channel) {
        let loop = channel.eventLoop
        let pending = NIOLoopBound(connection, eventLoop: loop)
        Self.shed(in: otherLoops(than: loop)[...]) { [counters] shed in
            loop.execute {
                guard shed else {
                    counters.countRefused()
                    channel.close(promise: nil)
                    return
                }
                pending.value.provisional = false
                channel.setAutoRead(true)
            }
        }
    }

    /// Closes the longest-idle connection of the first of `loops` that has one, each on its own
    /// loop; then tells `done` whether one was closed.
    private static func shed(in loops: ArraySlice<LoopBox>, then done: @escaping @Sendable (Bool) -> Void) {
        guard let next = loops.first else { return done(false) }
        next.connections.eventLoop.execute {
            if next.connections.shedOldestIdle() {
                done(true)
            } else {
                shed(in: loops.dropFirst(), then: done)
            }
        }
    }

    private func otherLoops(than eventLoop: any EventLoop) -> [LoopBox] {
        loops.withLock { loops in loops.filter { $0.key != ObjectIdentifier(eventLoop) }.map(\.value) }
    }

    /// Stops every loop's sweep.
    func stop() {
        let all = loops.withLock { loops in
            defer { loops = [:] }
            return Array(loops.values)
        }
        for box in all { box.sweep.cancel() }
    }
}
