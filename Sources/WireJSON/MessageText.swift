/// Where the text a guardrail reads sits in a request body: each message's `content` string, the
/// `text` of each content part, and each string of an embeddings `input`.
public struct MessageText: Sendable, Equatable {
    /// The index of the message (or of the `input` string) the text belongs to.
    public let message: Int
    /// The string literal's bytes in the body, quotes included.
    public let literal: Range<Int>

    /// Creates a text slot.
    public init(message: Int, literal: Range<Int>) {
        self.message = message
        self.literal = literal
    }

    /// Every text slot of a body that ``RequestFields/read(_:shape:)`` accepted, in order; `value`
    /// is its ``RequestFields/textRange``.
    public static func slots(in bytes: UnsafeBufferPointer<UInt8>, value: Range<Int>, shape: RequestFields.Shape) -> [MessageText] {
        var slots: [MessageText] = []
        guard !value.isEmpty else { return [] }
        let field = JSONScanner.Field(kind: bytes[value.lowerBound] == UInt8(ascii: "[") ? .array : .string, range: value)
        switch field.kind {
        case .string:
            slots.append(MessageText(message: 0, literal: field.range))
        case .array:
            for (index, element) in elements(of: field, in: bytes).enumerated() {
                switch (shape, element.kind) {
                case (.embeddings, .string): slots.append(MessageText(message: index, literal: element.range))
                case (.chat, .object): contentSlots(of: element, message: index, in: bytes, into: &slots)
                default: break
                }
            }
        default: break
        }
        return slots
    }

    /// The text of a chat completion: each choice's `message.content` string, by choice position.
    public static func answerSlots(in bytes: UnsafeBufferPointer<UInt8>) -> [MessageText] {
        guard let choices = (try? JSONScanner.scanObject(bytes, keys: ["choices"]))?.first ?? nil, choices.kind == .array else { return [] }
        return elements(of: choices, in: bytes).enumerated().compactMap { index, choice in
            guard choice.kind == .object, let message = member("message", of: choice, in: bytes), message.kind == .object,
                let content = member("content", of: message, in: bytes), content.kind == .string
            else { return nil }
            return MessageText(message: index, literal: content.range)
        }
    }

    /// The text of a streamed chunk (one `data:` JSON): the first choice's `delta.content` string.
    public static func deltaSlot(in bytes: UnsafeBufferPointer<UInt8>) -> MessageText? {
        guard let choices = (try? JSONScanner.scanObject(bytes, keys: ["choices"]))?.first ?? nil, choices.kind == .array,
            let choice = elements(of: choices, in: bytes).first, choice.kind == .object,
            let delta = member("delta", of: choice, in: bytes), delta.kind == .object,
            let content = member("content", of: delta, in: bytes), content.kind == .string
        else { return nil }
        return MessageText(message: 0, literal: content.range)
    }

    /// A message's `content`: the string, or the `text` of each part of an array.
    private static func contentSlots(of message: JSONScanner.Field, message index: Int, in bytes: UnsafeBufferPointer<UInt8>, into slots: inout [MessageText]) {
        guard let content = member("content", of: message, in: bytes) else { return }
        if content.kind == .string {
            slots.append(MessageText(message: index, literal: content.range))
        } else if content.kind == .array {
            for part in elements(of: content, in: bytes) where part.kind == .object {
                if let text = member("text", of: part, in: bytes), text.kind == .string {
                    slots.append(MessageText(message: index, literal: text.range))
                }
            }
        }
    }

    private static func member(_ key: String, of object: JSONScanner.Field, in bytes: UnsafeBufferPointer<UInt8>) -> JSONScanner.Field? {
        let inner = UnsafeBufferPointer(rebasing: bytes[object.range])
        guard var field = (try? JSONScanner.scanObject(inner, keys: [key]))?.first ?? nil else { return nil }
        field.range = (field.range.lowerBound + object.range.lowerBound)..<(field.range.upperBound + object.range.lowerBound)
        return field
    }

    private static func elements(of array: JSONScanner.Field, in bytes: UnsafeBufferPointer<UInt8>) -> [JSONScanner.Field] {
        let inner = UnsafeBufferPointer(rebasing: bytes[array.range])
        return ((try? JSONScanner.scanElements(inner)) ?? []).map { element in
            var shifted = element
            shifted.range = (element.range.lowerBound + array.range.lowerBound)..<(element.range.upperBound + array.range.lowerBound)
            return shifted
        }
    }
}
