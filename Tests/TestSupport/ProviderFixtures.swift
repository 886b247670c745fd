/// Answers of Anthropic's Messages API and Google's Gemini API, written from their public API
/// references, for the fake upstreams of the translation tests. Streams are whole SSE text.
public enum ProviderFixtures {
    // MARK: Anthropic Messages

    /// A plain text answer.
    public static let anthropicText = """
        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\
        "content":[{"type":"text","text":"Hello! How can I help you today?"}],"stop_reason":"end_turn","stop_sequence":null,\
        "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":9}}
        """

    /// A tool call after a sentence.
    public static let anthropicToolUse = """
        {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\
        "content":[{"type":"text","text":"I'll check the weather."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9",\
        "name":"get_weather","input":{"location":"Paris","unit":"celsius"}}],"stop_reason":"tool_use","stop_sequence":null,\
        "usage":{"input_tokens":384,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":58}}
        """

    /// A refusal: no content.
    public static let anthropicRefusal = """
        {"id":"msg_01Refusal","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],\
        "stop_reason":"refusal","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":0}}
        """

    /// An answer cut at `max_tokens`.
    public static let anthropicMaxTokens = """
        {"id":"msg_01MaxTokens","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\
        "content":[{"type":"text","text":"Once upon a"}],"stop_reason":"max_tokens","stop_sequence":null,\
        "usage":{"input_tokens":15,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3}}
        """

    /// An answer whose prompt was partly read from the cache and partly written to it.
    public static let anthropicCached = """
        {"id":"msg_01Cached","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\
        "content":[{"type":"text","text":"The document says yes."}],"stop_reason":"end_turn","stop_sequence":null,\
        "usage":{"input_tokens":50,"cache_creation_input_tokens":2000,"cache_read_input_tokens":10000,"output_tokens":100}}
        """

    /// Anthropic's overloaded error (HTTP 529).
    public static let anthropicOverloaded = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#

    /// An invalid-request error (HTTP 400).
    public static let anthropicInvalid = #"{"type":"error","error":{"type":"invalid_request_error","message":"messages.0.content: Input should be a valid list"}}"#

    /// A streamed text answer with a ping, cache reads, and the usage in `message_delta`.
    public static let anthropicStream = [
        event("message_start", #"{"type":"message_start","message":{"id":"msg_01Stream","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":1}}}"#),
        event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        event("ping", #"{"type": "ping"}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" from"}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" Claude"}}"#),
        event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#),
        event("message_stop", #"{"type":"message_stop"}"#),
    ].joined()

    /// A streamed tool call: the tool's input arrives as partial JSON.
    public static let anthropicToolStream = [
        event("message_start", #"{"type":"message_start","message":{"id":"msg_01ToolStream","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2}}}"#),
        event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}"#),
        event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        event("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\": \"Par"}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"is\"}"}}"#),
        event("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
        event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}"#),
        event("message_stop", #"{"type":"message_stop"}"#),
    ].joined()

    /// A stream that fails midway with an `error` event.
    public static let anthropicErrorStream = [
        event("message_start", #"{"type":"message_start","message":{"id":"msg_01Broken","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}"#),
        event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}"#),
        event("error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#),
    ].joined()

    // MARK: Gemini

    /// A plain text answer.
    public static let geminiText = """
        {"candidates":[{"content":{"parts":[{"text":"Hello from Gemini."}],"role":"model"},"finishReason":"STOP","index":0}],\
        "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":4,"totalTokenCount":14},"modelVersion":"gemini-2.5-flash",\
        "responseId":"resp-text-1"}
        """

    /// An answer with a thought summary, thinking tokens and a cached prompt.
    public static let geminiThinkingCached = """
        {"candidates":[{"content":{"parts":[{"text":"Weighing the options.","thought":true},{"text":"Option B."}],"role":"model"},\
        "finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":1000,"cachedContentTokenCount":800,\
        "candidatesTokenCount":50,"thoughtsTokenCount":200,"totalTokenCount":1250},"modelVersion":"gemini-2.5-flash","responseId":"resp-2"}
        """

    /// A function call.
    public static let geminiToolCall = """
        {"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}],"role":"model"},\
        "finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":60,"candidatesTokenCount":7,"totalTokenCount":67},\
        "modelVersion":"gemini-2.5-flash","responseId":"resp-3"}
        """

    /// An answer withheld by the safety filter.
    public static let geminiSafety = """
        {"candidates":[{"finishReason":"SAFETY","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT",\
        "probability":"HIGH","blocked":true}]}],"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash"}
        """

    /// An answer cut at the output limit.
    public static let geminiMaxTokens = """
        {"candidates":[{"content":{"parts":[{"text":"Once upon"}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],\
        "usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":2,"totalTokenCount":10},"modelVersion":"gemini-2.5-flash"}
        """

    /// Gemini's overloaded error (HTTP 503).
    public static let geminiOverloaded = #"{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}"#

    /// A streamed answer (`alt=sse`): usage grows with each event, the last one finishes.
    public static let geminiStream = [
        event(nil, #"{"candidates":[{"content":{"parts":[{"text":"Hello"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":1,"totalTokenCount":8},"modelVersion":"gemini-2.5-flash","responseId":"resp-s"}"#),
        event(nil, #"{"candidates":[{"content":{"parts":[{"text":" from"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":2,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"resp-s"}"#),
        event(nil, #"{"candidates":[{"content":{"parts":[{"text":" Gemini"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":3,"thoughtsTokenCount":5,"totalTokenCount":15},"modelVersion":"gemini-2.5-flash","responseId":"resp-s"}"#),
    ].joined()

    /// A stream that fails midway with an error object.
    public static let geminiErrorStream = [
        event(nil, #"{"candidates":[{"content":{"parts":[{"text":"Partial"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":1,"totalTokenCount":8}}"#),
        event(nil, #"{"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}}"#),
    ].joined()

    /// One SSE event: an `event:` line when named, the data line, a blank line.
    public static func event(_ name: String?, _ data: String) -> String {
        (name.map { "event: \($0)\n" } ?? "") + "data: \(data)\r\n\r\n"
    }
}
