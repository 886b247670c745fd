"""Anthropic and Gemini providers and the /v1/messages front door, with the official `openai` and
`anthropic` clients against a running gateway and fake upstreams (fake_providers.py)."""

import json
import os
import tempfile
import time
import urllib.request

import anthropic
import openai
import pytest

import fake_providers
from conftest import ADMIN_TOKEN, KEY, ORG_TOKEN, _sha256, start, stop

LIMITED_KEY = "sk-gw-e2e-limited-0123456789"
NARROW_KEY = "sk-gw-e2e-narrow-0123456789"


def config(fake):
    return f"""
gateway:
  listen: 127.0.0.1:0
admin:
  listen: 127.0.0.1:0
  tokenEnv: E2E_ADMIN_TOKEN
providers:
  - {{ name: mock, kind: mock }}
  - {{ name: claude-api, kind: anthropic, baseURL: "{fake}/anthropic/v1", apiKeyEnv: E2E_ANTHROPIC_KEY, maxRetries: 1, retryBackoffMilliseconds: 1 }}
  - {{ name: gemini-api, kind: gemini, baseURL: "{fake}/gemini/v1beta", apiKeyEnv: E2E_GEMINI_KEY, maxRetries: 0 }}
  - {{ name: compat, kind: openai, baseURL: "{fake}/openai/v1", apiKeyEnv: E2E_COMPAT_KEY }}
orgs:
  - id: acme
    telemetryTokenSha256: [ "{_sha256(ORG_TOKEN)}" ]
    projects:
      - id: multi
        routes:
          - {{ model: claude-sonnet-4-5, targets: [ {{ provider: claude-api, model: claude-sonnet-4-5 }} ] }}
          - {{ model: gemini-2.5-flash, targets: [ {{ provider: gemini-api, model: gemini-2.5-flash }} ] }}
          - {{ model: compat-model, targets: [ {{ provider: compat, model: gpt-4o-mini }} ] }}
          - {{ model: mock-gpt, targets: [ {{ provider: mock, model: mock-gpt }} ] }}
        keys:
          - {{ id: e2e, sha256: "{_sha256(KEY)}" }}
          - {{ id: limited, sha256: "{_sha256(LIMITED_KEY)}", limits: {{ requestsPerMinute: 1 }} }}
          - {{ id: narrow, sha256: "{_sha256(NARROW_KEY)}", scopes: [ models ] }}
"""


@pytest.fixture(scope="module")
def fake():
    server = fake_providers.serve()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def urls(binary, fake):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "gateway.yaml")
        with open(path, "w") as handle:
            handle.write(config(fake.url))
        env = dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN, E2E_ANTHROPIC_KEY=fake_providers.ANTHROPIC_KEY,
                   E2E_GEMINI_KEY=fake_providers.GEMINI_KEY, E2E_COMPAT_KEY=fake_providers.OPENAI_KEY)
        process, addresses = start(binary, path, "--store", "sqlite:" + os.path.join(folder, "store.sqlite"), env=env)
        try:
            yield addresses
        finally:
            stop(process)


@pytest.fixture()
def chat(urls):
    return openai.OpenAI(base_url=urls["gateway"] + "/v1", api_key=KEY, max_retries=0)


@pytest.fixture()
def claude(urls):
    return anthropic.Anthropic(base_url=urls["gateway"], api_key=KEY, max_retries=0)


def explain(urls, request_id):
    """The telemetry API's view of one request, once the collector has it."""
    deadline = time.time() + 15
    while True:
        request = urllib.request.Request(f"{urls['admin']}/telemetry/v1/orgs/acme/requests/{request_id}",
                                         headers={"authorization": "Bearer " + ORG_TOKEN})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code != 404 or time.time() > deadline:
                raise
        time.sleep(0.1)


def usage_of(urls, request_id):
    view = explain(urls, request_id)
    return view["inputTokens"], view["cachedInputTokens"], view["outputTokens"], view["costMicroUSD"], view["costBasis"]


# The openai client over anthropic and gemini routes

@pytest.mark.parametrize("model,provider", [("claude-sonnet-4-5", "claude-api"), ("gemini-2.5-flash", "gemini-api")])
def test_openai_client_completion_and_stream(chat, urls, model, provider):
    raw = chat.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": "Hello"}])
    completion = raw.parse()
    assert raw.headers["x-gateway-provider"] == provider
    assert completion.choices[0].message.content in ("Hello from Claude", "Hello from Gemini")
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens in (12, 10) and completion.usage.completion_tokens in (9, 4)

    stream = chat.chat.completions.create(model=model, messages=[{"role": "user", "content": "Hello"}], stream=True,
                                          stream_options={"include_usage": True})
    text, finish, usage = "", None, None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage:
            usage = chunk.usage
    assert text == completion.choices[0].message.content and finish == "stop"
    assert usage.prompt_tokens == completion.usage.prompt_tokens and usage.completion_tokens == completion.usage.completion_tokens


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "gemini-2.5-flash"])
def test_openai_client_tool_call(chat, model):
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather now",
                                               "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}}]
    completion = chat.chat.completions.create(model=model, messages=[{"role": "user", "content": "tool: weather in Paris?"}], tools=tools)
    call = completion.choices[0].message.tool_calls[0]
    assert completion.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"location": "Paris"}

    stream = chat.chat.completions.create(model=model, messages=[{"role": "user", "content": "tool: weather in Paris?"}], tools=tools, stream=True)
    arguments, names = "", []
    for chunk in stream:
        for delta in chunk.choices[0].delta.tool_calls or []:
            arguments += delta.function.arguments or ""
            if delta.function.name:
                names.append(delta.function.name)
    assert names == ["get_weather"] and json.loads(arguments) == {"location": "Paris"}


@pytest.mark.parametrize("model,word,finish", [
    ("claude-sonnet-4-5", "long", "length"), ("claude-sonnet-4-5", "refuse", "content_filter"),
    ("gemini-2.5-flash", "long", "length"), ("gemini-2.5-flash", "refuse", "content_filter"),
])
def test_openai_client_finish_reasons(chat, model, word, finish):
    completion = chat.chat.completions.create(model=model, messages=[{"role": "user", "content": word}])
    assert completion.choices[0].finish_reason == finish


# Usage and cost, by hand: claude-sonnet-4-5 at 3 / 0.30 cache hits / 3.75 cache writes / 15 USD per million tokens,
# gemini-2.5-flash at 0.30 / 0.03 cached / 2.50.
@pytest.mark.parametrize("model,word,expected", [
    ("claude-sonnet-4-5", "hello", (12, 0, 9, 12 * 3 + 9 * 15)),
    ("claude-sonnet-4-5", "tool", (384, 0, 58, 384 * 3 + 58 * 15)),
    ("claude-sonnet-4-5", "cache", (12050, 10000, 100, 50 * 3 + 3000 + 7500 + 100 * 15)),
    ("gemini-2.5-flash", "think", (1000, 800, 250, 60 + 24 + 625)),
    ("gemini-2.5-flash", "tool", (60, 0, 7, 36)),  # 18 + 17.5, rounded up
])
def test_usage_and_cost_are_exact(chat, urls, model, word, expected):
    raw = chat.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": word}])
    assert usage_of(urls, raw.headers["x-request-id"]) == expected + ("exact",)
    streamed = chat.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": word}], stream=True)
    for _ in streamed.parse():
        pass
    assert usage_of(urls, streamed.headers["x-request-id"]) == expected + ("exact",)


def test_provider_failures_map_to_gate_errors(chat, fake):
    with pytest.raises(openai.APIStatusError) as overloaded:
        chat.chat.completions.create(model="claude-sonnet-4-5", messages=[{"role": "user", "content": "overload"}])
    assert overloaded.value.status_code == 503 and overloaded.value.response.headers["x-gateway-gate"] == "upstream"
    attempts = [r for r in fake.received if r["path"] == "/anthropic/v1/messages" and "overload" in json.dumps(r["body"])]
    assert len(attempts) == 2  # 529 is retried (maxRetries: 1)
    stream = chat.chat.completions.create(model="gemini-2.5-flash", messages=[{"role": "user", "content": "broken"}], stream=True)
    with pytest.raises(openai.APIError):
        for _ in stream:
            pass


# The anthropic client against /v1/messages

@pytest.mark.parametrize("model,text", [
    ("mock-gpt", "This is a mock answer from mock-gpt. You said: Hello there"),
    ("compat-model", "Hello from compat"),
    ("claude-sonnet-4-5", "Hello from Claude"),
    ("gemini-2.5-flash", "Hello from Gemini"),
])
def test_anthropic_client_create_and_stream(claude, urls, model, text):
    raw = claude.messages.with_raw_response.create(model=model, max_tokens=100, system="Be brief.",
                                                   messages=[{"role": "user", "content": "Hello there"}])
    message = raw.parse()
    assert message.type == "message" and message.role == "assistant" and message.stop_reason == "end_turn"
    assert message.content[0].text == text
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0
    view = explain(urls, raw.headers["x-request-id"])
    assert view["operation"] == "chat" and view["status"] == 200
    # The recorded prompt is the whole prompt: input, cache reads and cache writes.
    assert view["inputTokens"] == message.usage.input_tokens + (message.usage.cache_read_input_tokens or 0) + (message.usage.cache_creation_input_tokens or 0)
    assert view["outputTokens"] == message.usage.output_tokens

    with claude.messages.stream(model=model, max_tokens=100, system="Be brief.", messages=[{"role": "user", "content": "Hello there"}]) as stream:
        streamed = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert streamed == final.content[0].text
    assert final.stop_reason == "end_turn" and final.usage.output_tokens == message.usage.output_tokens
    assert final.usage.input_tokens == message.usage.input_tokens


def test_anthropic_client_pass_through_keeps_cache_usage(claude, urls, fake):
    raw = claude.messages.with_raw_response.create(
        model="claude-sonnet-4-5", max_tokens=100,
        system=[{"type": "text", "text": "A long document", "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": "cache: what does it say?"}],
        extra_headers={"anthropic-beta": "prompt-caching-2024-07-31"})
    message = raw.parse()
    assert message.usage.cache_read_input_tokens == 10000 and message.usage.cache_creation_input_tokens == 2000
    sent = [r for r in fake.received if r["path"] == "/anthropic/v1/messages"][-1]
    assert sent["body"]["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert sent["headers"]["anthropic-beta"] == "prompt-caching-2024-07-31" and sent["headers"]["x-api-key"] == fake_providers.ANTHROPIC_KEY
    assert usage_of(urls, raw.headers["x-request-id"]) == (12050, 10000, 100, 12150, "exact")


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "compat-model", "gemini-2.5-flash"])
def test_anthropic_client_tool_use(claude, model):
    tools = [{"name": "get_weather", "description": "Weather now", "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}}}]
    message = claude.messages.create(model=model, max_tokens=100, tools=tools, messages=[{"role": "user", "content": "tool: weather in Paris?"}])
    use = [block for block in message.content if block.type == "tool_use"][0]
    assert message.stop_reason == "tool_use" and use.name == "get_weather" and use.input == {"location": "Paris"}
    with claude.messages.stream(model=model, max_tokens=100, tools=tools, messages=[{"role": "user", "content": "tool: weather in Paris?"}]) as stream:
        final = stream.get_final_message()
    streamed = [block for block in final.content if block.type == "tool_use"][0]
    assert final.stop_reason == "tool_use" and streamed.input == {"location": "Paris"}
    # The tool's result goes back as a tool_result block.
    answer = claude.messages.create(model=model, max_tokens=100, tools=tools, messages=[
        {"role": "user", "content": "weather in Paris?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": use.id, "name": "get_weather", "input": {"location": "Paris"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "18C"}]}])
    assert answer.stop_reason == "end_turn"


def test_anthropic_client_raises_its_own_errors_from_the_gates(urls, claude):
    with pytest.raises(anthropic.AuthenticationError) as unknown:
        anthropic.Anthropic(base_url=urls["gateway"], api_key="sk-gw-nobody-000000000000", max_retries=0).messages.create(
            model="mock-gpt", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    assert unknown.value.response.headers["x-gateway-gate"] == "key-auth"
    assert unknown.value.body["error"]["gate"] == "key-auth" and unknown.value.body["error"]["type"] == "authentication_error"
    with pytest.raises(anthropic.NotFoundError) as unrouted:
        claude.messages.create(model="claude-opus-9", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    assert unrouted.value.body["error"]["gate"] == "routing" and unrouted.value.response.headers["request-id"]
    with pytest.raises(anthropic.PermissionDeniedError):
        anthropic.Anthropic(base_url=urls["gateway"], api_key=NARROW_KEY, max_retries=0).messages.create(
            model="mock-gpt", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    limited = anthropic.Anthropic(base_url=urls["gateway"], api_key=LIMITED_KEY, max_retries=0)
    limited.messages.create(model="mock-gpt", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    with pytest.raises(anthropic.RateLimitError) as limit:
        limited.messages.create(model="mock-gpt", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    assert limit.value.body["error"]["gate"] == "budget" and int(limit.value.response.headers["retry-after"]) > 0
    with pytest.raises(anthropic.BadRequestError) as bad:
        claude.messages.create(model="mock-gpt", max_tokens=-5, messages=[{"role": "user", "content": "x"}])
    assert bad.value.body["error"]["gate"] == "payload"
    with pytest.raises(anthropic.InternalServerError) as overloaded:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=[{"role": "user", "content": "overload"}])
    assert overloaded.value.status_code == 503 and overloaded.value.body["error"]["gate"] == "upstream"


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "gemini-2.5-flash"])
def test_anthropic_client_stream_error_midway(claude, model):
    """A provider's error in the middle of a stream reaches the client as an `error` event, which the SDK raises."""
    with pytest.raises(anthropic.APIStatusError) as failed:
        with claude.messages.stream(model=model, max_tokens=10, messages=[{"role": "user", "content": "broken"}]) as stream:
            for _ in stream:
                pass
    assert "overloaded" in str(failed.value).lower() or "internal error" in str(failed.value).lower()
