"""Fake Anthropic, Gemini and OpenAI-compatible upstreams for the end-to-end tests, on loopback.

Each answers in its API's shape (written from the public API references) and picks the answer by
a word in the last user message: `tool` (a tool call), `refuse` (a refusal or safety block),
`long` (cut at the output limit), `cache` (cache reads and writes), `overload` (Anthropic 529,
Gemini 503), `broken` (a stream that fails midway). It records every request it receives, and
refuses any request without the API key it expects."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANTHROPIC_KEY = "sk-ant-e2e-upstream"
GEMINI_KEY = "AIza-e2e-upstream"
OPENAI_KEY = "sk-compat-e2e-upstream"

# Token counts of each answer, so tests can compute usage and cost by hand.
ANTHROPIC_USAGE = {
    "text": {"input_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 9},
    "tool": {"input_tokens": 384, "output_tokens": 58},
    "refuse": {"input_tokens": 20, "output_tokens": 0},
    "long": {"input_tokens": 15, "output_tokens": 3},
    "cache": {"input_tokens": 50, "cache_creation_input_tokens": 2000, "cache_read_input_tokens": 10000, "output_tokens": 100},
}
GEMINI_USAGE = {
    "text": {"promptTokenCount": 10, "candidatesTokenCount": 4, "totalTokenCount": 14},
    "think": {"promptTokenCount": 1000, "cachedContentTokenCount": 800, "candidatesTokenCount": 50, "thoughtsTokenCount": 200, "totalTokenCount": 1250},
    "tool": {"promptTokenCount": 60, "candidatesTokenCount": 7, "totalTokenCount": 67},
    "refuse": {"promptTokenCount": 9, "totalTokenCount": 9},
    "long": {"promptTokenCount": 8, "candidatesTokenCount": 2, "totalTokenCount": 10},
}


def last_user_text(messages):
    for message in reversed(messages):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def pick(text, words):
    for word in words:
        if word in text:
            return word
    return "text"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/requests":
            self.reply(200, self.server.received)
        else:
            self.reply(404, {"error": "no such path"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        self.server.received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        if self.path.startswith("/anthropic/"):
            self.anthropic(body)
        elif self.path.startswith("/gemini/"):
            self.gemini(body)
        elif self.path.startswith("/openai/"):
            self.openai(body)
        else:
            self.reply(404, {"error": "no such path"})

    # Anthropic Messages API

    def anthropic(self, body):
        if self.headers.get("x-api-key") != ANTHROPIC_KEY or not self.headers.get("anthropic-version"):
            return self.reply(401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}})
        case = pick(last_user_text(body["messages"]), ["overload", "broken", "tool", "refuse", "long", "cache"])
        if case == "overload":
            return self.reply(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
        usage = ANTHROPIC_USAGE.get(case, ANTHROPIC_USAGE["text"])
        content = {
            "text": [{"type": "text", "text": "Hello from Claude"}],
            "cache": [{"type": "text", "text": "The document says yes"}],
            "long": [{"type": "text", "text": "Once upon a"}],
            "refuse": [],
            "tool": [{"type": "text", "text": "Checking"}, {"type": "tool_use", "id": "toolu_e2e_1", "name": "get_weather", "input": {"location": "Paris"}}],
            "broken": [{"type": "text", "text": "Partial"}],
        }[case]
        stop = {"tool": "tool_use", "refuse": "refusal", "long": "max_tokens"}.get(case, "end_turn")
        message = {"id": "msg_e2e_" + case, "type": "message", "role": "assistant", "model": body["model"], "content": content,
                   "stop_reason": stop, "stop_sequence": None, "usage": usage}
        if not body.get("stream"):
            return self.reply(200, message)
        events = [("message_start", {"type": "message_start", "message": dict(message, content=[], stop_reason=None,
                  usage=dict(usage, output_tokens=1))})]
        for index, block in enumerate(content):
            if block["type"] == "text":
                events.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}))
                events.append(("ping", {"type": "ping"}))
                for word in block["text"].split(" "):
                    piece = word if word == block["text"].split(" ")[0] else " " + word
                    events.append(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}}))
            else:
                events.append(("content_block_start", {"type": "content_block_start", "index": index,
                               "content_block": {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}}))
                text = json.dumps(block["input"])
                for part in (text[: len(text) // 2], text[len(text) // 2:]):
                    events.append(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": part}}))
            if case == "broken":
                events.append(("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
                return self.sse(events)
            events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
        events.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                       "usage": {"output_tokens": usage["output_tokens"]}}))
        events.append(("message_stop", {"type": "message_stop"}))
        self.sse(events)

    # Gemini API

    def gemini(self, body):
        if self.headers.get("x-goog-api-key") != GEMINI_KEY:
            return self.reply(403, {"error": {"code": 403, "message": "API key not valid.", "status": "PERMISSION_DENIED"}})
        text = " ".join(part.get("text", "") for content in body["contents"] if content["role"] == "user" for part in content["parts"])
        case = pick(text, ["overload", "broken", "tool", "refuse", "long", "think"])
        if case == "overload":
            return self.reply(503, {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}})
        usage = GEMINI_USAGE.get(case, GEMINI_USAGE["text"])
        parts = {
            "text": [{"text": "Hello from Gemini"}],
            "think": [{"text": "Weighing it", "thought": True}, {"text": "Option B"}],
            "tool": [{"functionCall": {"name": "get_weather", "args": {"location": "Paris"}}}],
            "long": [{"text": "Once upon"}],
            "broken": [{"text": "Partial"}],
        }.get(case)
        finish = {"refuse": "SAFETY", "long": "MAX_TOKENS"}.get(case, "STOP")
        candidate = {"index": 0, "finishReason": finish}
        if parts is not None:
            candidate["content"] = {"role": "model", "parts": parts}
        answer = {"candidates": [candidate], "usageMetadata": usage, "modelVersion": "gemini-2.5-flash", "responseId": "resp-" + case}
        if ":streamGenerateContent" not in self.path:
            return self.reply(200, answer)
        assert self.path.endswith("?alt=sse")
        events = []
        if parts and all("text" in part for part in parts) and case != "think":
            words = parts[0]["text"].split(" ")
            for index, word in enumerate(words):
                chunk = {"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": word if index == 0 else " " + word}]}}],
                         "usageMetadata": dict(usage, candidatesTokenCount=index + 1), "modelVersion": "gemini-2.5-flash"}
                events.append((None, chunk))
            if case == "broken":
                events.append((None, {"error": {"code": 500, "message": "An internal error has occurred.", "status": "INTERNAL"}}))
                return self.sse(events)
            events[-1][1]["candidates"][0]["finishReason"] = finish
            events[-1][1]["usageMetadata"] = usage
        else:
            events.append((None, answer))
        self.sse(events)

    # An OpenAI-compatible server

    def openai(self, body):
        if self.headers.get("authorization") != "Bearer " + OPENAI_KEY:
            return self.reply(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
        text = last_user_text(body["messages"])
        usage = {"prompt_tokens": 30, "completion_tokens": 4, "total_tokens": 34, "prompt_tokens_details": {"cached_tokens": 10}}
        head = {"id": "chatcmpl-compat", "created": 1, "model": body["model"]}
        calls = None
        if "tool" in text and body.get("tools"):
            calls = [{"id": "call_compat_1", "type": "function", "function": {"name": body["tools"][0]["function"]["name"], "arguments": "{\"location\":\"Paris\"}"}}]
        if not body.get("stream"):
            message = {"role": "assistant", "content": None if calls else "Hello from compat"}
            if calls:
                message["tool_calls"] = calls
            return self.reply(200, dict(head, object="chat.completion", usage=usage,
                                        choices=[{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}]))
        chunk = dict(head, object="chat.completion.chunk")
        events = [(None, dict(chunk, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]))]
        if calls:
            events.append((None, dict(chunk, choices=[{"index": 0, "delta": {"tool_calls": [dict(calls[0], index=0)]}, "finish_reason": None}])))
        else:
            for word in ["Hello", " from", " compat"]:
                events.append((None, dict(chunk, choices=[{"index": 0, "delta": {"content": word}, "finish_reason": None}])))
        events.append((None, dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": "tool_calls" if calls else "stop"}])))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append((None, dict(chunk, choices=[], usage=usage)))
        events.append((None, "[DONE]"))
        self.sse(events)

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def sse(self, events):
        data = b""
        for name, payload in events:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            data += (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve():
    """Starts the fake upstreams on a free loopback port; returns the server (`server.url`, `server.received`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.received = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
