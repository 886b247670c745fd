"""The official OpenAI Python client against a running gateway."""

import openai
import pytest

from conftest import KEY


@pytest.fixture()
def client(gateway_url):
    return openai.OpenAI(base_url=gateway_url + "/v1", api_key=KEY, max_retries=0)


def test_chat_completion(client):
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello gateway"}]
    )
    assert completion.choices[0].message.role == "assistant"
    assert "Hello gateway" in completion.choices[0].message.content
    assert completion.usage.prompt_tokens > 0
    assert completion.usage.completion_tokens > 0


def test_streaming(client):
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Stream please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = ""
    usage = None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
        if chunk.usage:
            usage = chunk.usage
    assert "Stream please" in text
    assert usage is not None and usage.completion_tokens == len(text.split())


def test_plain_streaming_loop(client):
    """The most common client loop indexes choices[0] on every chunk: without include_usage it must
    never meet the usage-only chunk the gateway asked the provider for."""
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Plain loop"}], stream=True
    )
    text = ""
    for chunk in stream:
        text += chunk.choices[0].delta.content or ""
    assert "Plain loop" in text


def test_embeddings(client):
    result = client.embeddings.create(model="text-embedding-3-small", input=["one", "two"])
    assert len(result.data) == 2
    assert len(result.data[0].embedding) == 8
    assert result.usage.prompt_tokens > 0


def test_models_lists_only_routed_models(client):
    assert sorted(model.id for model in client.models.list()) == ["broken-model", "gpt-4o-mini", "text-embedding-3-small"]


def test_unknown_key_is_authentication_error(gateway_url):
    bad = openai.OpenAI(base_url=gateway_url + "/v1", api_key="sk-gw-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        bad.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}])
    assert caught.value.status_code == 401
    assert caught.value.code == "key_unknown"
    assert caught.value.response.headers["x-gateway-gate"] == "key-auth"
    assert caught.value.body["gate"] == "key-auth"


def test_unrouted_model_is_not_found_error(client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "x"}])
    assert caught.value.code == "model_not_routed"
    assert "gpt-5" in caught.value.message and "chatbot" in caught.value.message
    assert caught.value.response.headers["x-gateway-gate"] == "routing"


def test_invalid_request_is_bad_request_error(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages="not a list")
    assert caught.value.response.headers["x-gateway-gate"] == "payload"
    assert caught.value.body["param"] == "messages"
