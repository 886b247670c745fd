/// A reader's copy of an ``InternTable``'s strings by id, caught up with the table's changes each
/// time the reader copies traces out of the ring, so that it decodes them outside the ring's lock.
struct InternMirror {
    private(set) var strings = [""]

    /// Applies the changes `table` made since the last call (taken under the ring's lock, with the
    /// traces they name).
    mutating func apply(_ changes: InternTable.Changes) {
        switch changes {
        case .all(let all):
            strings = all
        case .ids(let set):
            for (id, string) in set {
                let index = Int(id)
                if index >= strings.count { strings.append(contentsOf: repeatElement("", count: index + 1 - strings.count)) }
                strings[index] = string
            }
        }
    }

    /// The string of `id`.
    func string(_ id: UInt32) -> String { strings[Int(id)] }
}
