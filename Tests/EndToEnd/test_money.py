"""Budgets, rate limits and the spend ledger through real `gateway serve` processes."""

import json
import os
import time

import openai
import pytest

from conftest import ADMIN_TOKEN, KEY, _sha256, start, stop
from test_telemetry import call, chat, get

CONFIG = f"""
gateway:
  listen: 127.0.0.1:0
admin:
  listen: 127.0.0.1:0
  tokenEnv: E2E_ADMIN_TOKEN
providers:
  - name: mock
    kind: mock
orgs:
  - id: acme
    projects:
      - id: limited
        limits: {{ requestsPerMinute: 2 }}
        routes:
          - model: gpt-4o-mini
            targets: [{{ provider: mock, model: mock-gpt }}]
        keys:
          - id: e2e
            sha256: "{_sha256(KEY)}"
      - id: metered
        budget: {{ usd: "0.0002", period: monthly }}
        routes:
          - model: gpt-4o-mini
            targets: [{{ provider: mock, model: mock-gpt }}]
        keys:
          - id: spender
            sha256: "{_sha256("sk-gw-spender-0123456789")}"
"""


@pytest.fixture()
def money_config(tmp_path):
    path = tmp_path / "gateway.yaml"
    path.write_text(CONFIG)
    return str(path), "sqlite:" + str(tmp_path / "store.sqlite")


def test_the_openai_client_sees_rate_limit_error_with_headers(binary, money_config):
    config, store = money_config
    process, urls = start(binary, config, "--store", store, env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN))
    try:
        client = openai.OpenAI(base_url=urls["gateway"] + "/v1", api_key=KEY, max_retries=0)
        for remaining in ("1", "0"):
            raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
            assert raw.headers["x-ratelimit-limit-requests"] == "2"
            assert raw.headers["x-ratelimit-remaining-requests"] == remaining
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        response = caught.value.response
        assert response.headers["x-gateway-gate"] == "budget"
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert response.headers["x-ratelimit-remaining-requests"] == "0"
        assert caught.value.code == "rate_limit_requests"
    finally:
        stop(process)


def test_spend_survives_a_restart_and_an_operator_can_reset_it(binary, money_config):
    config, store = money_config
    env = dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN)
    spender = "sk-gw-spender-0123456789"
    body = chat(content="hello there") [:-1] + ',"max_tokens":8}'
    process, urls = start(binary, config, "--store", store, env=env)
    try:
        served = 0
        while call(urls["gateway"] + "/v1/chat/completions", body, key=spender)[0] == 200:
            served += 1
            assert served < 100, "the budget never stopped the requests"
        assert served > 0
        status, headers, text = call(urls["gateway"] + "/v1/chat/completions", body, key=spender)
        assert status == 429 and json.loads(text)["error"]["code"] == "budget_exceeded"
    finally:
        stop(process)  # a graceful stop flushes the last spend batch

    process, urls = start(binary, config, "--store", store, env=env)
    try:
        assert call(urls["gateway"] + "/v1/chat/completions", body, key=spender)[0] == 429, "spend was lost in the restart"
        status, _, text = get(urls["admin"] + "/admin/v1/spend?scope=project/metered", ADMIN_TOKEN)
        budget = json.loads(text)["budgets"][0]
        assert status == 200 and budget["budgetUSD"] == "0.0002" and budget["spentMicroUSD"] > 0
        from test_cli import cli

        listed = cli(binary, urls["admin"], "spend", "list", "--scope", "project/").stdout
        assert "project/metered  monthly  $0.0002" in listed
        assert "$0.0002" in cli(binary, urls["admin"], "spend", "reset", "project/metered").stdout
        # The very next request sees the reset, without waiting for a ledger exchange.
        assert call(urls["gateway"] + "/v1/chat/completions", body, key=spender)[0] == 200, "the next request did not see the reset"
        status, _, metrics = get(urls["admin"] + "/metrics", ADMIN_TOKEN)
        assert 'gateway_cost_usd_total{org="acme",project="metered",model="gpt-4o-mini"}' in metrics
        assert "gateway_spend_unflushed_usd" in metrics
    finally:
        stop(process)
