import Foundation
import NIOCore
import Testing
import TestSupport

@testable import Gateway

/// JSON text with sorted keys, to compare translated documents (as the gateway writes them).
private func canonical(_ value: Any) -> String {
    let parsed =
        JSONSerialization.isValidJSONObject(value)
        ? value : try! JSONSerialization.jsonObject(with: Data(JSONBody.buffer(value).readableBytesView), options: [.fragmentsAllowed])
    return String(decoding: try! JSONSerialization.data(withJSONObject: parsed, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
}

/// A document as the translations read it (numbers kept as their text).
private func input(_ text: String) -> JSONBody.Object { JSONBody.object(text)! }

/// A translated document as a client reads it (Foundation's numbers).
private func object(_ text: String) -> [String: Any] { try! JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any] }

/// A translated value as a client reads it.
private func object(_ value: JSONBody.Object) -> [String: Any] { object(JSONBody.text(value)) }

/// Runs `translator` over `text` cut into pieces of `piece` bytes; the events it wrote and how it ended.
private func run<T: StreamTranslator>(_ translator: T, _ text: String, piece: Int = 7) -> (events: [SSEEvent], error: StreamTranslationError?) {
    var translator = translator
    var reader = SSEEventReader()
    var out = ByteBuffer()
    let bytes = Array(text.utf8)
    do throws(StreamTranslationError) {
        for start in stride(from: 0, to: bytes.count, by: piece) {
            for event in (try? reader.feed(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + piece)]))) ?? [] {
                try translator.translate(event, into: &out)
            }
        }
        try translator.finish(into: &out)
    } catch {
        var outReader = SSEEventReader()
        return ((try? outReader.feed(out)) ?? [], error)
    }
    var outReader = SSEEventReader()
    return ((try? outReader.feed(out)) ?? [], nil)
}

@Suite("Translations between the OpenAI, Anthropic and Gemini shapes")
struct TranslationTests {
    // MARK: Requests

    @Test(
        "OpenAI chat requests become Messages requests",
        arguments: [
            // system and developer messages to system blocks, max_tokens defaulted, stop to stop_sequences
            (
                #"{"model":"claude","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":[{"type":"text","text":"No lists."}]},{"role":"user","content":"Hi"}],"stop":"END","temperature":0.5,"top_p":0.9,"user":"u-1"}"#,
                #"{"model":"claude","system":[{"type":"text","text":"Be brief."},{"type":"text","text":"No lists."}],"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"max_tokens":4096,"stop_sequences":["END"],"temperature":0.5,"top_p":0.9,"metadata":{"user_id":"u-1"}}"#
            ),
            // max_completion_tokens wins over max_tokens; stream passes
            (
                #"{"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":10,"max_completion_tokens":20,"stream":true,"stop":["a","b"]}"#,
                #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"max_tokens":20,"stream":true,"stop_sequences":["a","b"]}"#
            ),
            // images: a data URL to a base64 source, an https URL to a url source
            (
                #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},{"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}}]}]}"#,
                #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}}]}],"max_tokens":4096}"#
            ),
            // tools, a forced tool without parallel calls, a tool call and its result (merged into one user turn with the next text)
            (
                #"{"model":"m","messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18C"},{"role":"user","content":"Thanks"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],"tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false}"#,
                #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"Weather?"}]},{"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"location":"Paris"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":[{"type":"text","text":"18C"}]},{"type":"text","text":"Thanks"}]}],"max_tokens":4096,"tools":[{"name":"get_weather","description":"Weather now","input_schema":{"type":"object","properties":{"location":{"type":"string"}}}}],"tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true}}"#
            ),
            (
                #"{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"required","tools":[{"type":"function","function":{"name":"f"}}]}"#,
                #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],"max_tokens":4096,"tools":[{"name":"f","input_schema":{"type":"object","properties":{}}}],"tool_choice":{"type":"any"}}"#
            ),
        ])
    func chatToMessages(chat: String, expected: String) throws {
        #expect(canonical(try MessagesRequest.fromChat(input(chat), defaultMaxTokens: 4096)) == canonical(object(expected)))
    }

    @Test(
        "what Messages cannot express is refused, naming the field",
        arguments: [
            (#"{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}"#, "n"),
            (#"{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}"#, "messages[0].content[0]"),
            (#"{"model":"m","messages":[{"role":"function","content":"x"}]}"#, "messages[0].role"),
            (#"{"model":"m","messages":[{"role":"tool","content":"x"}]}"#, "messages[0].tool_call_id"),
            (#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a","function":{"name":"f","arguments":"[1]"}}]}]}"#, "messages[0].tool_calls[0]"),
            (#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]}"#, "messages[0].content[0]"),
            (#"{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"}"#, "tool_choice"),
        ])
    func chatToMessagesRefusals(chat: String, param: String) {
        #expect(throws: TranslationError.self) { try MessagesRequest.fromChat(input(chat), defaultMaxTokens: 100) }
        do {
            _ = try MessagesRequest.fromChat(input(chat), defaultMaxTokens: 100)
        } catch {
            #expect(error.param == param)
        }
    }

    @Test(
        "Messages requests become OpenAI chat requests",
        arguments: [
            (
                #"{"model":"m","max_tokens":100,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],"messages":[{"role":"user","content":"Hi"}],"stop_sequences":["X"],"temperature":1,"metadata":{"user_id":"u"}}"#,
                #"{"model":"m","max_tokens":100,"messages":[{"role":"system","content":"A\n\nB"},{"role":"user","content":[{"type":"text","text":"Hi"}]}],"stop":["X"],"temperature":1,"user":"u"}"#
            ),
            // a stream asks for the usage chunk; thinking is dropped; tool use and results map to tool calls and tool messages
            (
                #"{"model":"m","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"tool_use","id":"toolu_1","name":"w","input":{"q":"Paris"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}]},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}}]}],"tools":[{"name":"w","input_schema":{"type":"object"}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}}"#,
                #"{"model":"m","max_tokens":10,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":[{"type":"text","text":"Weather?"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"w","arguments":"{\"q\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"toolu_1","content":"18C"},{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAAA"}}]}],"tools":[{"type":"function","function":{"name":"w","parameters":{"type":"object"}}}],"tool_choice":"required","parallel_tool_calls":false}"#
            ),
        ])
    func messagesToChat(messages: String, expected: String) throws {
        #expect(canonical(try MessagesRequest.toChat(input(messages))) == canonical(object(expected)))
    }

    @Test(
        "OpenAI chat requests become Gemini requests",
        arguments: [
            (
                #"{"model":"gemini-2.5-flash","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},{"role":"assistant","content":"Nice."},{"role":"user","content":"More"}],"temperature":0.2,"top_p":0.5,"max_tokens":64,"stop":"END","response_format":{"type":"json_object"}}"#,
                #"{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Look"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}}]},{"role":"model","parts":[{"text":"Nice."}]},{"role":"user","parts":[{"text":"More"}]}],"generationConfig":{"temperature":0.2,"topP":0.5,"maxOutputTokens":64,"stopSequences":["END"],"responseMimeType":"application/json"}}"#
            ),
            (
                #"{"model":"g","messages":[{"role":"user","content":"Weather?"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"{\"temp\":18}"},{"role":"tool","tool_call_id":"c1","content":"plain"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","additionalProperties":false,"properties":{"location":{"type":"string","additionalProperties":false}}}}}],"tool_choice":{"type":"function","function":{"name":"get_weather"}}}"#,
                #"{"contents":[{"role":"user","parts":[{"text":"Weather?"}]},{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}]},{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":18}}},{"functionResponse":{"name":"get_weather","response":{"content":"plain"}}}]}],"tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}}}"#
            ),
        ])
    func chatToGemini(chat: String, expected: String) throws {
        let (model, body) = try GeminiRequest.fromChat(input(chat))
        #expect(model == input(chat)["model"] as? String)
        #expect(canonical(body) == canonical(object(expected)))
    }

    @Test("a Gemini model name is one path segment, whatever it holds")
    func geminiPath() {
        #expect(GeminiProvider.pathSegment("gemini-2.5-flash") == "gemini-2.5-flash")
        #expect(GeminiProvider.pathSegment("../x:y?z é") == "..%2Fx%3Ay%3Fz%20%C3%A9")
    }

    // MARK: Whole answers

    @Test(
        "Messages answers become chat completions with exact usage and finish reasons",
        arguments: [
            (ProviderFixtures.anthropicText, "Hello! How can I help you today?", "stop", 12, 0, 9),
            (ProviderFixtures.anthropicMaxTokens, "Once upon a", "length", 15, 0, 3),
            (ProviderFixtures.anthropicRefusal, "", "content_filter", 20, 0, 0),
            (ProviderFixtures.anthropicToolUse, "I'll check the weather.", "tool_calls", 384, 0, 58),
            (ProviderFixtures.anthropicCached, "The document says yes.", "stop", 12_050, 10_000, 100),
        ])
    func messagesAnswers(fixture: String, text: String, finish: String, prompt: Int, cached: Int, completion: Int) throws {
        let translated = MessagesResponse.toChat(input(fixture))
        let chat = object(translated)
        let choice = try #require((chat["choices"] as? [[String: Any]])?.first)
        let message = try #require(choice["message"] as? [String: Any])
        #expect((message["content"] as? String ?? "") == text)
        #expect(choice["finish_reason"] as? String == finish)
        let usage = try #require(chat["usage"] as? [String: Any])
        #expect(usage["prompt_tokens"] as? Int == prompt && usage["completion_tokens"] as? Int == completion)
        #expect(usage["total_tokens"] as? Int == prompt + completion)
        #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == cached)
        // The gateway's own metering reads the translated body exactly.
        let reading = JSONBody.buffer(translated).withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self)) }
        guard case .valid(let counted) = reading else { Issue.record("usage not read: \(String(describing: reading))"); return }
        #expect(counted.input == prompt && counted.cachedInput == cached && counted.output == completion)
        if finish == "tool_calls" {
            let call = try #require((message["tool_calls"] as? [[String: Any]])?.first)
            let function = try #require(call["function"] as? [String: Any])
            #expect(call["id"] as? String == "toolu_01A09q90qw90lq917835lq9" && function["name"] as? String == "get_weather")
            #expect(canonical(object(function["arguments"] as! String)) == canonical(["location": "Paris", "unit": "celsius"]))
        }
    }

    @Test("cache writes reach the metering as their own count")
    func cacheWrites() {
        let chat = JSONBody.buffer(MessagesResponse.toChat(input(ProviderFixtures.anthropicCached)))
        let reading = chat.withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self)) }
        #expect(reading == .valid(TokenUsage(input: 12_050, cachedInput: 10_000, cacheWrite: 2_000, output: 100)))
        let passed = ByteBuffer(string: ProviderFixtures.anthropicCached)
        let direct = passed.withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self), messages: true) }
        #expect(direct == reading)
    }

    @Test(
        "hostile usage counts become usage the gateway will not charge, never a trap",
        arguments: ["9223372036854775808", "-1", "1.5", "true", "\"12\"", "1e300", "null", "{}", "1000000001"])
    func hostileCounts(value: String) {
        let fixture = #"{"id":"m","type":"message","content":[],"stop_reason":"end_turn","usage":{"input_tokens":"# + value + #","output_tokens":5}}"#
        let chat = JSONBody.buffer(MessagesResponse.toChat(input(fixture)))
        let reading = chat.withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self)) }
        #expect(reading == .invalid, "\(value)")
        let direct = ByteBuffer(string: fixture).withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self), messages: true) }
        #expect(direct == .invalid, "\(value)")
        // Gemini's counts the same way (Gemini leaves zero counts out, so its null is zero).
        guard value != "null" else { return }
        let gemini = #"{"candidates":[],"usageMetadata":{"promptTokenCount":"# + value + #","candidatesTokenCount":1}}"#
        let geminiChat = JSONBody.buffer(GeminiResponse.toChat(input(gemini), model: "g"))
        #expect(geminiChat.withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self)) } == .invalid)
    }

    @Test("chat completions become Messages answers, and back without loss of what both shapes hold")
    func chatToMessagesAnswer() throws {
        let completion = input(
            #"{"id":"chatcmpl-9","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Sure.","tool_calls":[{"id":"call_7","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":30}}}"#
        )
        let answer = MessagesResponse.fromChat(completion)
        #expect(
            canonical(answer)
                == canonical(
                    object(
                        #"{"id":"msg_chatcmpl-9","type":"message","role":"assistant","model":"gpt-4o-mini","content":[{"type":"text","text":"Sure."},{"type":"tool_use","id":"call_7","name":"f","input":{"a":1}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":70,"output_tokens":20,"cache_read_input_tokens":30,"cache_creation_input_tokens":0}}"#
                    )))
        var back = MessagesResponse.toChat(answer)
        back["created"] = 1
        back["id"] = "chatcmpl-9"
        var expected = completion
        expected["usage"] = MessagesResponse.chatUsage(answer["usage"] as! JSONBody.Object)
        #expect(canonical(back) == canonical(expected))
    }

    @Test(
        "Gemini answers become chat completions: thoughts billed as output, cached content read, safety as content_filter",
        arguments: [
            (ProviderFixtures.geminiText, "Hello from Gemini.", "stop", 10, 0, 4),
            (ProviderFixtures.geminiThinkingCached, "Option B.", "stop", 1000, 800, 250),
            (ProviderFixtures.geminiToolCall, "", "tool_calls", 60, 0, 7),
            (ProviderFixtures.geminiSafety, "", "content_filter", 9, 0, 0),
            (ProviderFixtures.geminiMaxTokens, "Once upon", "length", 8, 0, 2),
            (#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":4}}"#, "", "content_filter", 4, 0, 0),
        ])
    func geminiAnswers(fixture: String, text: String, finish: String, prompt: Int, cached: Int, completion: Int) throws {
        let translated = GeminiResponse.toChat(input(fixture), model: "gemini-2.5-flash")
        let chat = object(translated)
        let choice = try #require((chat["choices"] as? [[String: Any]])?.first)
        let message = try #require(choice["message"] as? [String: Any])
        #expect((message["content"] as? String ?? "") == text)
        #expect(choice["finish_reason"] as? String == finish)
        let reading = JSONBody.buffer(translated).withUnsafeReadableBytes { TokenUsage.parse(responseObject: $0.bindMemory(to: UInt8.self)) }
        #expect(reading == .valid(TokenUsage(input: prompt, cachedInput: cached, output: completion)))
        if finish == "tool_calls" {
            let call = try #require((message["tool_calls"] as? [[String: Any]])?.first)
            #expect(((call["function"] as? [String: Any])?["arguments"] as? String).map(object).map(canonical) == canonical(["location": "Paris"]))
        }
    }

    @Test("provider errors keep their status and message in the other shape")
    func errors() {
        let openAI = input(String(buffer: AnthropicErrorShape.toOpenAI(ByteBuffer(string: ProviderFixtures.anthropicInvalid), status: 400)))
        #expect(canonical(openAI) == canonical(object(#"{"error":{"message":"messages.0.content: Input should be a valid list","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}"#)))
        let anthropic = object(String(buffer: AnthropicErrorShape.fromOpenAI(ByteBuffer(string: #"{"error":{"message":"No such model","type":"invalid_request_error"}}"#), status: 404)))
        #expect(canonical(anthropic) == canonical(object(#"{"type":"error","error":{"type":"not_found_error","message":"No such model"}}"#)))
        let gemini = object(String(buffer: GeminiResponse.errorToOpenAI(ByteBuffer(string: #"{"error":{"code":400,"message":"Bad","status":"INVALID_ARGUMENT"}}"#), status: 400)))
        #expect(canonical(gemini) == canonical(object(#"{"error":{"message":"Bad","type":"invalid_request_error","param":null,"code":"INVALID_ARGUMENT"}}"#)))
        // A body that is not JSON still gives a readable error.
        let garbage = object(String(buffer: AnthropicErrorShape.fromOpenAI(ByteBuffer(string: "<html>"), status: 418)))
        #expect((garbage["error"] as? [String: Any])?["message"] as? String == "The provider answered 418.")
    }

    // MARK: Streams

    /// The text, tool arguments, finish reason and usage of OpenAI chunk events.
    private static func readChat(_ events: [SSEEvent]) -> (text: String, arguments: String, finish: String?, usage: [String: Any]?, done: Bool) {
        var text = "", arguments = "", finish: String?, usage: [String: Any]?, done = false
        for event in events {
            if event.data == "[DONE]" {
                done = true
                continue
            }
            let chunk = object(event.data)
            if let counts = chunk["usage"] as? [String: Any] { usage = counts }
            guard let choice = (chunk["choices"] as? [[String: Any]])?.first else { continue }
            let delta = choice["delta"] as? [String: Any] ?? [:]
            text += delta["content"] as? String ?? ""
            for call in delta["tool_calls"] as? [[String: Any]] ?? [] { arguments += (call["function"] as? [String: Any])?["arguments"] as? String ?? "" }
            if let reason = choice["finish_reason"] as? String { finish = reason }
        }
        return (text, arguments, finish, usage, done)
    }

    @Test("a Messages stream becomes chat chunks, whatever its chunk boundaries", arguments: [1, 3, 7, 64, 4096])
    func messagesStream(piece: Int) throws {
        let (events, error) = run(MessagesStreamToChat(), ProviderFixtures.anthropicStream, piece: piece)
        #expect(error == nil)
        let read = Self.readChat(events)
        #expect(read.text == "Hello from Claude" && read.finish == "stop" && read.done)
        #expect(read.usage.map(canonical) == canonical(MessagesResponse.chatUsage(["input_tokens": 25, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 0, "output_tokens": 15])))
        #expect(read.usage?["prompt_tokens"] as? Int == 125 && read.usage?["completion_tokens"] as? Int == 15)
        let first = object(events[0].data)
        #expect(((first["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["role"] as? String == "assistant")
        // The meter on the relay reads the same usage from the translated stream.
        var meter = StreamUsageMeter()
        for event in events { meter.feed(ByteBuffer(string: event.wire)) }
        #expect(meter.usage == .valid(TokenUsage(input: 125, cachedInput: 100, output: 15)))
    }

    @Test("a streamed tool call becomes a chat tool call with its arguments")
    func messagesToolStream() {
        let (events, error) = run(MessagesStreamToChat(), ProviderFixtures.anthropicToolStream)
        #expect(error == nil)
        let read = Self.readChat(events)
        #expect(read.text == "Checking." && read.finish == "tool_calls")
        #expect(canonical(object(read.arguments)) == canonical(["location": "Paris"]))
        let opening = events.filter { $0.data != "[DONE]" }.map { object($0.data) }.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
            .compactMap { ($0["tool_calls"] as? [[String: Any]])?.first }.first
        #expect(opening?["id"] as? String == "toolu_01T1x1fJ34qAmk2tNTrN7Up6" && opening?["index"] as? Int == 0)
    }

    @Test("a provider's error mid-stream ends the chat stream with an error event; a cut stream is incomplete")
    func messagesStreamErrors() {
        let (events, error) = run(MessagesStreamToChat(), ProviderFixtures.anthropicErrorStream)
        #expect(error == .providerError)
        #expect(Self.readChat(events).text == "Partial")
        #expect((object(events.last!.data)["error"] as? [String: Any])?["code"] as? String == "overloaded_error")
        let cut = String(ProviderFixtures.anthropicStream.prefix(600))
        #expect(run(MessagesStreamToChat(), cut).error == .incomplete)
        #expect(run(MessagesStreamToChat(), "data: {not json\n\n").error == .unreadable)
    }

    @Test("a chat stream becomes Messages events with the whole usage in message_delta", arguments: [1, 5, 4096])
    func chatStreamToMessages(piece: Int) throws {
        let text = FakeUpstream.streamEvents(words: ["Hello", "there"], prompt: 40, completion: 2).map { "data: \($0)\n\n" }.joined()
        let (events, error) = run(ChatStreamToMessages(model: "asked"), text, piece: piece)
        #expect(error == nil)
        #expect(events.map(\.name) == ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        let delta = object(events[5].data)
        #expect(canonical(delta["usage"]!) == canonical(["input_tokens": 40, "output_tokens": 2, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0]))
        #expect((delta["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
        var meter = StreamUsageMeter(messages: true)
        for event in events { meter.feed(ByteBuffer(string: event.wire)) }
        #expect(meter.usage == .valid(TokenUsage(input: 40, output: 2)))
        // And back again: the Messages events translate to the same text and usage.
        let again = Self.readChat(run(MessagesStreamToChat(), events.map(\.wire).joined()).events)
        #expect(again.text == "Hello there " && again.usage?["prompt_tokens"] as? Int == 40)
    }

    @Test("streamed chat tool calls become tool_use blocks; an error event becomes an error event")
    func chatToolStreamToMessages() {
        let head = #""id":"c","object":"chat.completion.chunk","created":1,"model":"m""#
        let text = [
            #"{\#(head),"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}]},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#, "[DONE]",
        ].map { "data: \($0)\n\n" }.joined()
        let (events, error) = run(ChatStreamToMessages(model: "m"), text)
        #expect(error == nil)
        let starts = events.filter { $0.name == "content_block_start" }.map { object($0.data)["content_block"] as! [String: Any] }
        #expect(starts.map { $0["id"] as? String } == ["call_1", "call_2"])
        let partial = events.filter { $0.name == "content_block_delta" }.map { ((object($0.data)["delta"] as! [String: Any])["partial_json"] as? String) ?? "" }
        #expect(partial == ["{\"a\":", "1}", "{}"])
        #expect((object(events[events.count - 2].data)["delta"] as? [String: Any])?["stop_reason"] as? String == "tool_use")
        let broken = "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n"
        let (errorEvents, thrown) = run(ChatStreamToMessages(model: "m"), broken)
        #expect(thrown == .providerError && errorEvents.last?.name == "error")
        #expect(run(ChatStreamToMessages(model: "m"), "").error == .incomplete)
    }

    @Test("a Gemini stream becomes chat chunks with the last usage; an error event ends it", arguments: [2, 11, 4096])
    func geminiStream(piece: Int) {
        let (events, error) = run(GeminiStreamToChat(model: "gemini-2.5-flash"), ProviderFixtures.geminiStream, piece: piece)
        #expect(error == nil)
        let read = Self.readChat(events)
        #expect(read.text == "Hello from Gemini" && read.finish == "stop" && read.done)
        #expect(read.usage?["prompt_tokens"] as? Int == 7 && read.usage?["completion_tokens"] as? Int == 8)
        let (broken, thrown) = run(GeminiStreamToChat(model: "g"), ProviderFixtures.geminiErrorStream)
        #expect(thrown == .providerError)
        #expect((object(broken.last!.data)["error"] as? [String: Any])?["code"] as? String == "INTERNAL")
        #expect(run(GeminiStreamToChat(model: "g"), String(ProviderFixtures.geminiStream.prefix(200))).error == .incomplete)
    }

    @Test("the event reader takes any split of a stream, CRLF or LF, and refuses an endless line")
    func eventReader() throws {
        var generator = SplitMix64(seed: 7)
        let text = ProviderFixtures.anthropicStream + ": a comment\ndata: multi\ndata: line\n\n"
        var whole = SSEEventReader()
        let expected = try whole.feed(ByteBuffer(string: text))
        #expect(expected.count == 10 && expected[2].name == "ping" && expected[9] == SSEEvent(name: nil, data: "multi\nline"))
        for _ in 0..<200 {
            var reader = SSEEventReader()
            var events: [SSEEvent] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                let cut = rest.index(rest.startIndex, offsetBy: Int(generator.next() % 40) + 1, limitedBy: rest.endIndex) ?? rest.endIndex
                events += try reader.feed(ByteBuffer(string: String(rest[..<cut])))
                rest = rest[cut...]
            }
            #expect(events == expected)
        }
        var reader = SSEEventReader()
        #expect(throws: SSEEventReader.Overlong.self) { try reader.feed(ByteBuffer(repeating: UInt8(ascii: "a"), count: SSEEventReader.maxEventBytes + 1)) }
    }
}
