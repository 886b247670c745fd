import DequeModule
import Synchronization

/// Which key, project and server opened each MCP session this gateway relayed, so that no other
/// key presents its id. Sessions are held in memory, the oldest forgotten past ``capacity``;
/// an id the gateway does not hold is refused (the client opens a new session).
final class MCPSessions: Sendable {
    /// Who opened a session.
    struct Owner: Sendable, Equatable {
        let keyID: String
        let projectID: String
        let server: String
    }

    /// Most sessions held.
    let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var owners: [String: Owner] = [:]
        var order = Deque<String>()
    }

    init(capacity: Int = 100_000) { self.capacity = capacity }

    /// Notes that `owner` opened `session`.
    func bind(_ session: String, to owner: Owner) {
        state.withLock { state in
            if state.owners.updateValue(owner, forKey: session) == nil { state.order.append(session) }
            // Bounded by the ids bound, ended ones included, so sessions opened and deleted without end never grow it.
            while state.order.count > capacity, let oldest = state.order.popFirst() { state.owners[oldest] = nil }
        }
    }

    /// The owner of `session`, if held.
    func owner(of session: String) -> Owner? { state.withLock { $0.owners[session] } }

    /// Forgets `session` (it was deleted).
    func end(_ session: String) { state.withLock { _ = $0.owners.removeValue(forKey: session) } }
}
