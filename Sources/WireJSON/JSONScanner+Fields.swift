extension JSONScanner {
    /// The fields of an object that ``scanObject(_:keys:)`` was asked for, in the order of its
    /// keys (nil where absent), held in place: scanning allocates nothing.
    public struct Fields: RandomAccessCollection, Sendable {
        /// The most keys one scan looks for.
        public static var capacity: Int { 8 }
        // Eight stored slots rather than an `InlineArray`: reading one element of an
        // `InlineArray` held by value copied the whole array (328 bytes) on every read.
        private var slot0, slot1, slot2, slot3, slot4, slot5, slot6, slot7: Field?
        /// How many keys were looked for.
        public let count: Int

        init(count: Int) {
            precondition(count <= Self.capacity, "a scan looks for at most \(Self.capacity) keys")
            self.count = count
        }

        /// Position of the first key's field.
        public var startIndex: Int { 0 }
        /// One past the last key's field.
        public var endIndex: Int { count }

        /// The field of the key at `position`; nil when the object does not have it.
        public subscript(position: Int) -> Field? {
            get {
                precondition(position >= 0 && position < count, "no such key")
                switch position {
                case 0: return slot0
                case 1: return slot1
                case 2: return slot2
                case 3: return slot3
                case 4: return slot4
                case 5: return slot5
                case 6: return slot6
                default: return slot7
                }
            }
            set {
                precondition(position >= 0 && position < count, "no such key")
                switch position {
                case 0: slot0 = newValue
                case 1: slot1 = newValue
                case 2: slot2 = newValue
                case 3: slot3 = newValue
                case 4: slot4 = newValue
                case 5: slot5 = newValue
                case 6: slot6 = newValue
                default: slot7 = newValue
                }
            }
        }
    }
}
