import Testing

@testable import Gateway

/// Usage is read with its counts in the same pass as the answer: what each shape of `usage`
/// gives, repeated and escaped keys included, in whole answers, chunks and Messages events.
@Suite("Token usage read from provider answers")
struct TokenUsageTests {
    static func parse(_ text: String, messages: Bool = false) -> TokenUsage.Reading? {
        Array(text.utf8).withUnsafeBufferPointer { TokenUsage.parse(responseObject: $0, messages: messages) }
    }

    @Test(
        "a whole answer's usage: counts, cache details, and anything impossible or repeated made invalid",
        arguments: [
            (#"{"id":"c","usage":{"prompt_tokens":5,"completion_tokens":2}}"#, TokenUsage.Reading?.some(.valid(TokenUsage(input: 5, output: 2)))),
            (#"{"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3}},"n":1}"#, .valid(TokenUsage(input: 5, cachedInput: 3, output: 2))),
            (#"{"usage":{"prompt\u005ftokens":5,"completion_tokens":2}}"#, .valid(TokenUsage(input: 5, output: 2))),
            (#"{"usage":{"prompt_tokens":5,"prompt_tokens":6}}"#, .invalid),
            (#"{"usage":{"prompt\u005ftokens":5,"prompt_tokens":6}}"#, .invalid),
            (#"{"usage":{"prompt_tokens":5,"prompt_tokens_details":{"cached_tokens":1,"cached_tokens":2}}}"#, .invalid),
            (#"{"usage":{"prompt_tokens":5,"prompt_tokens_details":{"cached_tokens":6}}}"#, .invalid),
            (#"{"usage":{"completion_tokens":2}}"#, .invalid),
            (#"{"usage":1}"#, .invalid),
            (#"{"usage":[]}"#, .invalid),
            (#"{"usage":null}"#, .absent),
            (#"{"choices":[]}"#, .absent),
            (#"{"usage":{"prompt_tokens":5},"usage":{"prompt_tokens":6}}"#, nil),
            (#"{"usage":{"prompt_tokens":5,"completion_tokens":2}"#, nil),
            (#"{"usage":{"prompt_tokens":5,"prompt_tokens":6},"x":tru}"#, nil),
        ])
    func wholeAnswer(text: String, expected: TokenUsage.Reading?) {
        #expect(Self.parse(text) == expected)
    }

    @Test("a Messages answer's usage adds the cache reads and writes to the prompt; a repeated count is invalid")
    func messagesAnswer() {
        let usage = #"{"usage":{"input_tokens":10,"cache_read_input_tokens":4,"cache_creation_input_tokens":1,"output_tokens":3}}"#
        #expect(Self.parse(usage, messages: true) == .valid(TokenUsage(input: 15, cachedInput: 4, cacheWrite: 1, output: 3)))
        #expect(Self.parse(#"{"usage":{"input_tokens":10,"output_tokens":3,"output_tokens":4}}"#, messages: true) == .invalid)
        #expect(Self.parse(#"{"type":"message"}"#, messages: true) == .absent)
    }

    @Test("a chunk's usage, and whether the chunk carries nothing else")
    func chunk() {
        func parse(_ text: String) -> (TokenUsage.Reading, Bool) {
            let (reading, usageOnly) = Array(text.utf8).withUnsafeBufferPointer { TokenUsage.parse(chunk: $0) }
            return (reading, usageOnly)
        }
        #expect(parse(#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#) == (.valid(TokenUsage(input: 1, output: 2)), true))
        #expect(parse(#"{"choices":[{"index":0}],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#) == (.valid(TokenUsage(input: 1, output: 2)), false))
        #expect(parse(#"{"choices":[],"usage":{"prompt_tokens":1,"prompt_tokens":2}}"#) == (.invalid, true))
        #expect(parse(#"{"choices":[{"delta":{}}]}"#) == (.absent, false))
    }

    @Test("a Messages stream's counts: the start's usage inside `message`, then each delta's cumulative output")
    func messagesEvents() {
        var usage = MessagesUsage()
        for event in [
            #"{"type":"message_start","message":{"id":"m","usage":{"input_tokens":3,"cache_read_input_tokens":2,"output_tokens":1}}}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}"#,
        ] {
            Array(event.utf8).withUnsafeBufferPointer { usage.observe(event: $0) }
        }
        #expect(usage.reading == .valid(TokenUsage(input: 5, cachedInput: 2, output: 9)))
        Array(#"{"type":"message_delta","usage":{"output_tokens":9,"output_tokens":10}}"#.utf8).withUnsafeBufferPointer { usage.observe(event: $0) }
        #expect(usage.reading == .invalid)
    }
}
