import NIOCore

/// The client connections of one event loop, touched only on that loop: the sweep that closes
/// connections past their deadline, and the choice of an idle connection to close for room.
final class LoopConnections {
    /// The loop these connections live on.
    let eventLoop: any EventLoop
    private var guards: [ObjectIdentifier: ConnectionGuard] = [:]
    /// Where the requests of these connections run.
    let requestExecutor: LoopTaskExecutor
    /// Connections with writes to flush when this turn of the loop is over.
    private var unflushed: [DataPlaneConnection] = []

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.requestExecutor = LoopTaskExecutor(eventLoop: eventLoop)
    }

    /// Closes every connection past its deadline.
    func sweep() {
        let now = NIODeadline.now()
        for connection in Array(guards.values) { connection.sweep(now: now) }
    }

    /// How many client connections the loop serves.
    var count: Int { guards.count }

    func insert(_ connection: ConnectionGuard) {
        eventLoop.preconditionInEventLoop()
        guards[ObjectIdentifier(connection)] = connection
    }

    func remove(_ connection: ConnectionGuard) {
        guards[ObjectIdentifier(connection)] = nil
    }

    /// Flushes `connection` once this turn of the loop is over, with every other connection that
    /// asked in the turn: one task a turn rather than one per connection.
    func flushAfterTurn(_ connection: DataPlaneConnection) {
        unflushed.append(connection)
        guard unflushed.count == 1 else { return }
        let connections = NIOLoopBound(self, eventLoop: eventLoop)
        eventLoop.execute { connections.value.flushAll() }
    }

    private func flushAll() {
        var index = 0
        while index < unflushed.count {  // a flush may add a connection, flushed in this pass too
            unflushed[index].flushScheduledWrites()
            index += 1
        }
        unflushed.removeAll(keepingCapacity: true)
    }

    /// Closes the connection that has been idle longest; returns whether there was one.
    func shedOldestIdle() -> Bool {
        eventLoop.preconditionInEventLoop()
        guard let oldest = guards.values.filter(\.isIdle).min(by: { $0.idleSince < $1.idleSince }) else { return false }
        oldest.shed()
        return true
    }
}
