extension JSONScanner {
    /// The object at one key of a scanned object, read in the same pass
    /// (``JSONScanner/scanObject(_:keys:nested:)``), written in place so that no fields are copied.
    public struct Nested: Sendable {
        /// The position, among the scan's keys, of the key whose object is read (-1 for an array's element).
        public let slot: Int
        /// The names looked for in that object; nil when none is read.
        let keys: Keys?
        /// The object's fields named in its keys, in their order, with ranges in the whole
        /// document; all nil when the key is absent or its value is not an object.
        public internal(set) var fields: Fields
        /// Set when the object has one of its keys twice: the error a scan of the object alone
        /// throws, its offset counted from the object's `{`.
        public internal(set) var duplicate: JSONScanError?

        /// Reads the object at the key in position `slot` for the fields named in `keys`.
        public init(at slot: Int, keys: Keys) {
            self.slot = slot
            self.keys = keys
            fields = Fields(count: keys.count)
        }

        /// The members of an array's element (``JSONScanner/scanElements(_:keys:)``): no key's slot.
        init(element keys: Keys) {
            slot = -1
            self.keys = keys
            fields = Fields(count: keys.count)
        }

        /// No object read.
        init() {
            slot = -1
            keys = nil
            fields = Fields(count: 0)
        }

        /// Forgets what an earlier scan found.
        mutating func reset() {
            guard let keys else { return }
            fields = Fields(count: keys.count)
            duplicate = nil
        }
    }
}
