/// Where the text a guardrail reads sits in a body: each message's `content` string, the `text` of
/// each content part and each tool call's `arguments` (requests and whole answers), each string of
/// an embeddings `input`, a streamed chunk's `delta.content`.
public struct MessageText: Sendable, Equatable {
    /// A field the text lives in appears twice in one object: parsers disagree on which one wins,
    /// so no reading of that text is safe to check.
    public struct Ambiguity: Error, Sendable, Equatable {
        /// The message (or choice) index.
        public let message: Int
        /// The repeated field.
        public let field: String

        /// Creates an ambiguity.
        public init(message: Int, field: String) {
            self.message = message
            self.field = field
        }
    }

    /// The index of the message (the `input` string, the choice) the text belongs to.
    public let message: Int
    /// The string literal's bytes in the body, quotes included.
    public let literal: Range<Int>

    /// Creates a text slot.
    public init(message: Int, literal: Range<Int>) {
        self.message = message
        self.literal = literal
    }

    /// Every text slot of a request body that ``RequestFields/read(_:shape:)`` accepted, in order.
    /// A Messages request's `system` is message 0 and `messages[i]` is message `i + 1`, as in its
    /// OpenAI form, where the system prompt is the first message.
    public static func slots(in bytes: UnsafeBufferPointer<UInt8>, fields: RequestFields, shape: RequestFields.Shape) throws(Ambiguity) -> [MessageText] {
        let value = fields.textRange
        guard !value.isEmpty else { return [] }
        guard bytes[value.lowerBound] == UInt8(ascii: "[") else { return [MessageText(message: 0, literal: value)] }
        var slots: [MessageText] = []
        slots.reserveCapacity(4)  // a few messages with one slot each, the usual case
        if let system = fields.systemRange {
            if bytes[system.lowerBound] == UInt8(ascii: "\"") {
                slots.append(MessageText(message: 0, literal: system))
            } else {
                try partSlots(of: system, index: 0, in: bytes, into: &slots)
            }
        }
        let first = shape == .messages ? 1 : 0
        let systemSlots = slots.count
        var index = 0
        var ambiguity: Ambiguity?
        // Each message's members are read as the array is, and each message where it lies: one
        // pass over the messages, no array of them.
        do {
            try JSONScanner.scanElements(UnsafeBufferPointer(rebasing: bytes[value]), keys: .contentAndToolCalls) { message, members in
                defer { index += 1 }
                guard ambiguity == nil else { return }
                switch (shape, message.kind) {
                case (.embeddings, .string): slots.append(MessageText(message: index, literal: message.range.moved(by: value.lowerBound)))
                case (.chat, .object), (.messages, .object):
                    if let field = members.duplicate?.duplicateField {
                        ambiguity = Ambiguity(message: first + index, field: field)
                        return
                    }
                    do throws(Ambiguity) {
                        try messageSlots(
                            content: members.fields[0]?.moved(by: value.lowerBound), toolCalls: members.fields[1]?.moved(by: value.lowerBound),
                            index: first + index, in: bytes, into: &slots)
                    } catch {
                        ambiguity = error
                    }
                default: break
                }
            }
        } catch {
            // Not an array that scans (``RequestFields`` has read it whole, so this does not
            // happen): no message's text, as before any was read.
            slots.removeSubrange(systemSlots...)
            return slots
        }
        if let ambiguity { throw ambiguity }
        return slots
    }

    /// The text of a whole Messages answer: the `text` of each block of its `content`.
    public static func messagesAnswerSlots(in bytes: UnsafeBufferPointer<UInt8>) throws(Ambiguity) -> [MessageText] {
        guard let content = try member(.content, of: 0..<bytes.count, in: bytes, index: 0), content.kind == .array else { return [] }
        var slots: [MessageText] = []
        try partSlots(of: content.range, index: 0, in: bytes, into: &slots)
        return slots
    }

    /// The text of one Messages stream event (one `data:` JSON): a `content_block_delta`'s `delta.text`.
    public static func messagesDeltaSlot(in bytes: UnsafeBufferPointer<UInt8>) throws(Ambiguity) -> MessageText? {
        guard let delta = try member(.delta, of: 0..<bytes.count, in: bytes, index: 0), delta.kind == .object,
            let text = try member(.text, of: delta.range, in: bytes, index: 0), text.kind == .string
        else { return nil }
        return MessageText(message: 0, literal: text.range)
    }

    /// The text of a whole chat completion: each choice's message, by choice position.
    public static func answerSlots(in bytes: UnsafeBufferPointer<UInt8>) throws(Ambiguity) -> [MessageText] {
        guard let choices = try member(.choices, of: 0..<bytes.count, in: bytes, index: 0), choices.kind == .array else { return [] }
        var slots: [MessageText] = []
        for (index, choice) in elements(of: choices.range, in: bytes).enumerated() where choice.kind == .object {
            if let message = try member(.message, of: choice.range, in: bytes, index: index), message.kind == .object,
                let found = try members(.contentAndToolCalls, of: message.range, in: bytes, index: index)
            {
                try messageSlots(content: found[0], toolCalls: found[1], index: index, in: bytes, into: &slots)
            }
        }
        return slots
    }

    /// The text of a streamed chunk (one `data:` JSON): the first choice's `delta.content` string.
    public static func deltaSlot(in bytes: UnsafeBufferPointer<UInt8>) throws(Ambiguity) -> MessageText? {
        guard let choices = try member(.choices, of: 0..<bytes.count, in: bytes, index: 0), choices.kind == .array,
            let choice = elements(of: choices.range, in: bytes).first, choice.kind == .object,
            let delta = try member(.delta, of: choice.range, in: bytes, index: 0), delta.kind == .object,
            let content = try member(.content, of: delta.range, in: bytes, index: 0), content.kind == .string
        else { return nil }
        return MessageText(message: 0, literal: content.range)
    }

    /// A message's `content` (the string, or the text of each part) and its tool calls' `arguments`,
    /// from its members `content` and `tool_calls`.
    private static func messageSlots(
        content: JSONScanner.Field?, toolCalls: JSONScanner.Field?, index: Int, in bytes: UnsafeBufferPointer<UInt8>, into slots: inout [MessageText]
    ) throws(Ambiguity) {
        if let content {
            if content.kind == .string {
                slots.append(MessageText(message: index, literal: content.range))
            } else if content.kind == .array {
                try partSlots(of: content.range, index: index, in: bytes, into: &slots)
            }
        }
        guard let calls = toolCalls, calls.kind == .array else { return }
        for call in elements(of: calls.range, in: bytes) where call.kind == .object {
            if let function = try member(.function, of: call.range, in: bytes, index: index), function.kind == .object,
                let arguments = try member(.arguments, of: function.range, in: bytes, index: index), arguments.kind == .string
            {
                slots.append(MessageText(message: index, literal: arguments.range))
            }
        }
    }

    /// The text of each part of the array at `array`: its `text`, and the `content` of an
    /// Anthropic `tool_result` (a string, or parts of its own).
    private static func partSlots(of array: Range<Int>, index: Int, in bytes: UnsafeBufferPointer<UInt8>, into slots: inout [MessageText], depth: Int = 0) throws(Ambiguity) {
        for part in elements(of: array, in: bytes) where part.kind == .object {
            if let text = try member(.text, of: part.range, in: bytes, index: index), text.kind == .string {
                slots.append(MessageText(message: index, literal: text.range))
            }
            guard depth == 0, let content = try member(.content, of: part.range, in: bytes, index: index) else { continue }
            if content.kind == .string {
                slots.append(MessageText(message: index, literal: content.range))
            } else if content.kind == .array {
                try partSlots(of: content.range, index: index, in: bytes, into: &slots, depth: depth + 1)
            }
        }
    }

    /// The value of `key` in the object at `object`; nil when absent or not an object.
    private static func member(_ key: JSONScanner.Keys, of object: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, index: Int) throws(Ambiguity) -> JSONScanner.Field? {
        try members(key, of: object, in: bytes, index: index)?[0]
    }

    /// The values of `keys` in the object at `object` (nil where absent), their ranges counted in
    /// `bytes`; nil when `object` is not an object. A key written twice is an ``Ambiguity``.
    private static func members(_ keys: JSONScanner.Keys, of object: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, index: Int) throws(Ambiguity) -> JSONScanner.Fields? {
        let inner = UnsafeBufferPointer(rebasing: bytes[object])
        var found: JSONScanner.Fields
        do {
            found = try JSONScanner.scanObject(inner, keys: keys)
        } catch {
            if let field = error.duplicateField { throw Ambiguity(message: index, field: field) }
            return nil
        }
        found.move(by: object.lowerBound)
        return found
    }

    private static func elements(of array: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> [JSONScanner.Field] {
        let inner = UnsafeBufferPointer(rebasing: bytes[array])
        var elements = (try? JSONScanner.scanElements(inner)) ?? []
        for index in elements.indices { elements[index].move(by: array.lowerBound) }
        return elements
    }
}

extension JSONScanner.Field {
    /// Moves the range `offset` bytes on: from a part of a document to the whole of it.
    fileprivate mutating func move(by offset: Int) {
        range = range.moved(by: offset)
    }

    /// The field with its range `offset` bytes on.
    fileprivate func moved(by offset: Int) -> Self {
        var field = self
        field.move(by: offset)
        return field
    }
}

extension Range<Int> {
    /// The range `offset` bytes on.
    fileprivate func moved(by offset: Int) -> Self {
        (lowerBound + offset)..<(upperBound + offset)
    }
}

extension JSONScanner.Fields {
    /// Moves every found field's range `offset` bytes on.
    fileprivate mutating func move(by offset: Int) {
        for slot in indices {
            guard var field = self[slot] else { continue }
            field.move(by: offset)
            self[slot] = field
        }
    }
}

extension JSONScanner.Keys {
    // The one-key sets that ``MessageText`` looks for, made once.
    fileprivate static let arguments: Self = ["arguments"]
    fileprivate static let choices: Self = ["choices"]
    fileprivate static let content: Self = ["content"]
    fileprivate static let contentAndToolCalls: Self = ["content", "tool_calls"]
    fileprivate static let delta: Self = ["delta"]
    fileprivate static let function: Self = ["function"]
    fileprivate static let message: Self = ["message"]
    fileprivate static let text: Self = ["text"]
}
