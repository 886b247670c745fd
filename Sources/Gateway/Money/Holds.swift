/// The holds of the requests in flight, each in a slot of one array whose freed slots are reused:
/// adding or removing a hold is a store, not an allocation or a hash of the request's id.
struct Holds {
    /// What a request keeps to settle its hold: the slot, and the hold's number, which tells a
    /// hold settled or released already (its slot empty or reused) from the hold itself.
    struct Ticket: Sendable {
        let slot: Int
        let number: UInt64
    }

    private var slots: [(number: UInt64, hold: Hold)?] = []
    private var free: [Int] = []
    private var numbered: UInt64 = 0
    /// Holds in flight.
    private(set) var count = 0

    /// Keeps `hold` until it is removed.
    mutating func insert(_ hold: Hold) -> Ticket {
        numbered &+= 1
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            slots[slot] = (numbered, hold)
        } else {
            slot = slots.count
            slots.append((numbered, hold))
        }
        count += 1
        return Ticket(slot: slot, number: numbered)
    }

    /// Removes and returns the hold of `ticket`; nil when it was removed already (settled, or
    /// released as abandoned).
    mutating func remove(_ ticket: Ticket) -> Hold? {
        guard ticket.slot < slots.count, slots[ticket.slot]?.number == ticket.number, let kept = slots[ticket.slot].take() else { return nil }
        free.append(ticket.slot)
        count -= 1
        return kept.hold
    }

    /// Removes the holds of the seconds before `second` and returns them.
    mutating func remove(before second: Int64) -> [Hold] {
        var removed: [Hold] = []
        for slot in slots.indices {
            if let kept = slots[slot], kept.hold.second < second, let hold = remove(Ticket(slot: slot, number: kept.number)) { removed.append(hold) }
        }
        return removed
    }
}
