import NIOCore
import Synchronization
import Telemetry

/// Bounds the data plane's client connections at ``ListenerLimits/maxConnections``. At the cap a
/// new connection takes the place of the connection that has been idle longest on its event loop
/// (a flood of idle sockets cannot lock clients out); with none idle it is refused and closed.
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

    /// Admits a new connection on `eventLoop` (call on that loop): under the cap, or in place of
    /// an idle one. Returns false when it must be refused.
    func admit(on eventLoop: any EventLoop) -> Bool {
        if counters.openCount >= limits.maxConnections, !connections(on: eventLoop).shedOldestIdle() {
            counters.countRefused()
            return false
        }
        counters.opened()
        return true
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
