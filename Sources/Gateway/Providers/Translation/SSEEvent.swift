/// One server-sent event: its `event:` name, if any, and its `data:` lines joined.
struct SSEEvent: Sendable, Equatable {
    /// The event type; nil when the event names none.
    var name: String?
    /// The data, its lines joined with newlines.
    var data: String

    /// The event as written on the wire: an `event:` line when named, one `data:` line, a blank line.
    var wire: String {
        (name.map { "event: \($0)\n" } ?? "") + "data: \(data)\n\n"
    }
}
