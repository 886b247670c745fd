"""OTLP export end to end: a gateway with a platform destination and two orgs' own, a receiver that
decodes with the official opentelemetry-proto classes, and the spans, metrics and self-metrics
checked against the requests sent, the explain API and the usage API."""

import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest

from conftest import ADMIN_TOKEN, HEAD, _sha256, read_addresses, stop
from otlp_receiver import Receiver, attributes, wait_until

KEYS = {"app": "sk-gw-otlp-app-0123456789", "tight": "sk-gw-otlp-tight-0123456789", "globex": "sk-gw-otlp-globex-0123456789"}
ACME_TOKEN, GLOBEX_TOKEN = "otlp-acme-token", "otlp-globex-token"
SERVER, CLIENT, INTERNAL = 2, 3, 1


def call(url, body, key=KEYS["app"], headers=None):
    request = urllib.request.Request(url, data=body.encode(), method="POST")
    request.add_header("content-type", "application/json")
    if key:
        request.add_header("authorization", f"Bearer {key}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


def get(url, token):
    request = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def chat(model="gpt-4o-mini", content="hi", stream=False):
    return json.dumps({"model": model, "stream": stream, "messages": [{"role": "user", "content": content}]})


class Upstream:
    """An OpenAI-compatible provider that answers every chat with usage and records the headers."""

    def __init__(self):
        self.headers = []
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length", "0")))
                upstream.headers.append(dict(self.headers))
                body = json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "echo-model",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": "echo"}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
                }).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]


def config(receiver, upstream):
    observability = f"""observability:
  serviceName: gateway-e2e
  export:
    otlp:
      - name: platform
        endpoint: {receiver.url("/platform")}
        headers: {{ x-scope-orgid: platform }}
        headersEnv: {{ authorization: E2E_OTLP_AUTH }}
        metricsIntervalSeconds: 1
"""
    return HEAD.replace("providers:\n", observability + "providers:\n", 1) + f"""  - {{ name: echo, kind: openai, baseURL: "http://127.0.0.1:{upstream.port}/v1" }}
prices:
  - {{ model: mock-gpt, inputPerMillion: "2.50", outputPerMillion: "10.00" }}
  - {{ model: echo-model, inputPerMillion: "1.00", outputPerMillion: "3.00" }}
orgs:
  - id: acme
    telemetryTokenSha256: [ "{_sha256(ACME_TOKEN)}" ]
    export:
      otlp:
        - {{ name: acme-tempo, endpoint: "{receiver.url("/acme")}", compression: none, metricsIntervalSeconds: 1 }}
    projects:
      - id: chatbot
        guardrails: {{ input: {{ secrets: block }} }}
        routes:
          - {{ model: gpt-4o-mini, targets: [ {{ provider: mock, model: mock-gpt }} ] }}
          - {{ model: broken-model, targets: [ {{ provider: down, model: gpt-4o }} ] }}
          - {{ model: echo-model, targets: [ {{ provider: echo, model: echo-model }} ] }}
        keys:
          - {{ id: app, sha256: "{_sha256(KEYS['app'])}" }}
          - {{ id: tight, sha256: "{_sha256(KEYS['tight'])}", limits: {{ requestsPerMinute: 1 }} }}
  - id: globex
    telemetryTokenSha256: [ "{_sha256(GLOBEX_TOKEN)}" ]
    export:
      otlp:
        - {{ name: globex-otel, endpoint: "{receiver.url("/globex")}", metricsIntervalSeconds: 1 }}
    projects:
      - id: shop
        routes:
          - {{ model: gpt-4o, targets: [ {{ provider: mock, model: mock-gpt }} ] }}
        keys:
          - {{ id: web, sha256: "{_sha256(KEYS['globex'])}" }}
"""


def serve(binary, text, env=None):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "gateway.yaml")
    with open(path, "w") as handle:
        handle.write(text)
    check = subprocess.run([binary, "check-config", path], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [binary, "serve", "--config", path, "--store", "sqlite:" + os.path.join(folder, "store.sqlite")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN, E2E_OTLP_AUTH="Bearer otlp-secret", **(env or {})))
    return process, read_addresses(process)


CALLER_TRACE, CALLER_SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.fixture(scope="module")
def exported(binary):
    receiver, upstream = Receiver(), Upstream()
    process, urls = serve(binary, config(receiver, upstream))
    try:
        chat_url = urls["gateway"] + "/v1/chat/completions"
        sent = {
            "served": ("acme", call(chat_url, chat(content="hello there"))),
            "streamed": ("acme", call(chat_url, chat(content="tell me more", stream=True))),
            # The payload gate stops a request before key-auth names its project: no org owns it.
            "payload-400": ("unattributed", call(chat_url, "{not json")),
            "payload-413": ("unattributed", call(chat_url, chat(content="x" * 70000))),
            "routing": ("acme", call(chat_url, chat(model="gpt-5"))),
            "guardrails": ("acme", call(chat_url, chat(content="my key is AKIAIOSFODNN7EXAMPLE"))),
            "upstream": ("acme", call(chat_url, chat(model="broken-model"))),
            "tight-served": ("acme", call(chat_url, chat(), key=KEYS["tight"])),
            "budget": ("acme", call(chat_url, chat(), key=KEYS["tight"])),
            "traced": ("acme", call(chat_url, chat(model="echo-model"), headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"})),
            "bad-traceparent": ("acme", call(chat_url, chat(), headers={"traceparent": "00-zzzz-00f067aa0ba902b7-01"})),
            "globex-served": ("globex", call(chat_url, chat(model="gpt-4o", content="hola"), key=KEYS["globex"])),
            "globex-streamed": ("globex", call(chat_url, chat(model="gpt-4o", content="más", stream=True), key=KEYS["globex"])),
            "key-auth": ("unattributed", call(chat_url, chat(), key="sk-gw-unknown")),
        }
        ids = {name: response[1]["x-request-id"] for name, (_, response) in sent.items()}
        expected = set(ids.values())

        def all_roots():
            roots = {s.trace_id.hex() for s, _ in receiver.spans("/platform") if s.kind == SERVER}
            return roots >= expected

        assert wait_until(all_roots, timeout=30), "not every request arrived at the platform destination"
        explained = {name: json.loads(get(urls["admin"] + f"/telemetry/v1/requests/{rid}", ADMIN_TOKEN)) for name, rid in ids.items()}
        yield {"receiver": receiver, "upstream": upstream, "urls": urls, "sent": sent, "ids": ids, "explained": explained}
    finally:
        stop(process)
        receiver.stop()
        upstream.server.shutdown()


def by_trace(spans):
    traces = {}
    for span, resource in spans:
        traces.setdefault(span.trace_id.hex(), []).append((span, resource))
    return traces


def test_the_statuses_are_the_gates_own(exported):
    statuses = {name: response[0] for name, (_, response) in exported["sent"].items()}
    assert statuses == {
        "served": 200, "streamed": 200, "payload-400": 400, "payload-413": 413, "routing": 404, "guardrails": 403, "upstream": 503,
        "tight-served": 200, "budget": 429, "traced": 200, "bad-traceparent": 200, "globex-served": 200, "globex-streamed": 200,
        "key-auth": 401,
    }


def test_each_request_is_one_trace_with_a_root_a_span_per_gate_and_a_client_span(exported):
    traces = by_trace(exported["receiver"].spans("/platform"))
    assert len(traces) == len(exported["ids"]), "exactly one trace per request"
    for name, request_id in exported["ids"].items():
        spans = traces[request_id]
        explain = exported["explained"][name]
        ids = [s.span_id.hex() for s, _ in spans]
        assert len(ids) == len(set(ids)), (name, "span ids repeat")
        roots = [s for s, _ in spans if s.kind == SERVER]
        assert len(roots) == 1, name
        root = roots[0]
        assert root.span_id.hex() == explain["rootSpanId"]
        gates = [s for s, _ in spans if s.kind == INTERNAL]
        assert [g.name for g in gates] == [f"gate {g['gate']}" for g in explain["gates"]], name
        assert [g.span_id.hex() for g in gates] == [g["spanId"] for g in explain["gates"]], name
        assert all(g.parent_span_id == root.span_id for g in gates), name
        for gate, view in zip(gates, explain["gates"]):
            attrs = attributes(gate.attributes)
            assert attrs["gateway.gate"] == view["gate"] and attrs["gateway.decision"] == view["decision"], name
            assert attrs.get("gateway.reason") == view.get("reason"), name
            assert root.start_time_unix_nano <= gate.start_time_unix_nano <= gate.end_time_unix_nano <= root.end_time_unix_nano + 1000, name
        clients = [s for s, _ in spans if s.kind == CLIENT]
        assert len(clients) == (1 if explain["attempts"] > 0 else 0), name
        for client in clients:
            assert client.parent_span_id == root.span_id
            attrs = attributes(client.attributes)
            assert attrs["gateway.upstream.attempts"] == explain["attempts"] and attrs["gateway.provider"] == explain["provider"]
        assert len(spans) == 1 + len(gates) + len(clients), name
        for _, resource in spans:
            assert resource["service.name"] == "gateway-e2e" and resource["service.version"] and resource["service.instance.id"]


def test_the_root_span_carries_the_genai_and_gateway_attributes(exported):
    traces = by_trace(exported["receiver"].spans("/platform"))
    for name, request_id in exported["ids"].items():
        org, (status, headers, _) = exported["sent"][name]
        explain = exported["explained"][name]
        (root,) = [s for s, _ in traces[request_id] if s.kind == SERVER]
        attrs = attributes(root.attributes)
        assert root.name == "chat " + explain["model"] if explain.get("model") else root.name == "chat", name
        assert attrs["gen_ai.operation.name"] == "chat" and attrs["gateway.org"] == org, name
        assert attrs["http.response.status_code"] == status, name
        assert attrs.get("gateway.project") == explain.get("project") and attrs.get("gateway.key.id") == explain.get("key"), name
        assert attrs.get("gateway.gate") == explain["decidedBy"], name
        assert abs(attrs["gateway.cost.usd"] - explain["costMicroUSD"] / 1e6) < 1e-9, name
        if status >= 400:
            assert attrs["error.type"] == explain["reason"] == attrs["gateway.reason"], name
            assert headers.get("x-gateway-gate") == attrs["gateway.gate"], name
            assert (root.status.code == 2) == (status >= 500), name
        else:
            assert "error.type" not in attrs and root.status.code == 0, name
            assert attrs["gen_ai.usage.input_tokens"] == explain["inputTokens"] > 0, name
            assert attrs["gen_ai.usage.output_tokens"] == explain["outputTokens"] > 0, name
            assert attrs["gen_ai.usage.cache_read.input_tokens"] == explain["cachedInputTokens"], name
            assert attrs["gen_ai.provider.name"] == "openai" if explain["provider"] == "echo" else attrs["gen_ai.provider.name"] == "mock"
            assert attrs["gen_ai.response.model"] == explain["routedModel"], name
            assert attrs["gen_ai.request.stream"] == explain["streamed"], name


def test_the_trace_id_is_the_request_id_and_a_traceparent_joins_the_callers_trace(exported):
    traces = by_trace(exported["receiver"].spans("/platform"))
    assert exported["ids"]["traced"] == CALLER_TRACE
    spans = traces[CALLER_TRACE]
    (root,) = [s for s, _ in spans if s.kind == SERVER]
    (client,) = [s for s, _ in spans if s.kind == CLIENT]
    assert root.parent_span_id.hex() == CALLER_SPAN
    assert exported["explained"]["traced"]["parentSpanId"] == CALLER_SPAN
    assert attributes(client.attributes)["server.address"] == "127.0.0.1"
    # The provider received the gateway's CLIENT span as its parent, in the caller's trace.
    (upstream,) = exported["upstream"].headers
    assert upstream["traceparent"] == f"00-{CALLER_TRACE}-{client.span_id.hex()}-01"
    assert upstream["x-request-id"] == CALLER_TRACE
    # A malformed traceparent is ignored: the request is served in a trace of its own.
    bad = traces[exported["ids"]["bad-traceparent"]]
    assert exported["ids"]["bad-traceparent"] != CALLER_TRACE
    assert all(s.parent_span_id == b"" for s, _ in bad if s.kind == SERVER)


def test_each_org_receives_its_own_spans_and_the_platform_all(exported):
    receiver = exported["receiver"]
    for org, prefix in (("acme", "/acme"), ("globex", "/globex")):
        wanted = {exported["ids"][name] for name, (owner, _) in exported["sent"].items() if owner == org}
        assert wait_until(lambda: {s.trace_id.hex() for s, _ in receiver.spans(prefix)} >= wanted, timeout=20), org
        spans = receiver.spans(prefix)
        assert {s.trace_id.hex() for s, _ in spans} == wanted, org
        assert {attributes(s.attributes)["gateway.org"] for s, _ in spans if s.kind == SERVER} == {org}
        assert len(spans) == len({(s.trace_id, s.span_id) for s, _ in spans}), "no span arrives twice"
    platform = receiver.spans("/platform")
    orgs = {attributes(s.attributes)["gateway.org"] for s, _ in platform if s.kind == SERVER}
    assert orgs == {"acme", "globex", "unattributed"}


def test_wire_headers_compression_and_user_agent(exported):
    receiver = exported["receiver"]
    (first, *_) = receiver.received("/platform")
    assert first.headers["content-type"] == "application/x-protobuf"
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["user-agent"].startswith("gateway/")
    assert first.headers["x-scope-orgid"] == "platform" and first.headers["authorization"] == "Bearer otlp-secret"
    (acme, *_) = receiver.received("/acme")
    assert "content-encoding" not in acme.headers and "authorization" not in acme.headers


def metric_sum(metrics, name, **match):
    _, points = metrics.get(name, (None, []))
    total = 0.0
    for attrs, point in points:
        if all(attrs.get(k) == v for k, v in match.items()):
            total += point.sum if hasattr(point, "bucket_counts") else point.as_double
    return total


def test_metric_points_per_org_equal_the_usage_api(exported):
    receiver, urls = exported["receiver"], exported["urls"]
    for org, token, prefix in (("acme", ACME_TOKEN, "/acme"), ("globex", GLOBEX_TOKEN, "/globex")):
        usage = json.loads(get(urls["admin"] + f"/telemetry/v1/orgs/{org}/usage", token))["total"]
        assert usage["inputTokens"] > 0

        def settled():
            metrics = receiver.latest_metrics(prefix)
            return metrics if metric_sum(metrics, "gen_ai.client.token.usage", **{"gen_ai.token.type": "input"}) == usage["inputTokens"] else None

        metrics = wait_until(settled, timeout=20)
        assert metrics, (org, receiver.latest_metrics(prefix).keys())
        assert metric_sum(metrics, "gen_ai.client.token.usage", **{"gen_ai.token.type": "output"}) == usage["outputTokens"]
        assert abs(metric_sum(metrics, "gateway.cost") - float(usage["costUSD"])) < 1e-9
        assert metric_sum(metrics, "gateway.requests") == usage["requests"]
        for name, (metric, points) in metrics.items():
            assert {attrs["gateway.org"] for attrs, _ in points} == {org}, name
            if metric.HasField("sum"):
                assert metric.sum.aggregation_temporality == 2 and metric.sum.is_monotonic
            else:
                assert metric.histogram.aggregation_temporality == 2
        (tokens, _) = metrics["gen_ai.client.token.usage"]
        assert tokens.unit == "{token}"
        assert list(tokens.histogram.data_points[0].explicit_bounds) == [4.0 ** i for i in range(14)]
        assert metrics["gen_ai.client.operation.duration"][0].unit == "s"
    platform = receiver.latest_metrics("/platform")
    assert {attrs["gateway.org"] for attrs, _ in platform["gateway.requests"][1]} == {"acme", "globex", "unattributed"}
    assert metric_sum(platform, "gen_ai.server.time_to_first_token") > 0


def self_metrics(admin_url):
    text = get(admin_url + "/metrics", ADMIN_TOKEN)
    series = {}
    for line in text.splitlines():
        if line.startswith("gateway_otlp_"):
            name, value = line.rsplit(" ", 1)
            metric, labels = name.split("{", 1)
            labels = dict(part.split("=", 1) for part in labels.rstrip("}").split(","))
            key = (labels["owner"].strip('"'), labels["destination"].strip('"'))
            series.setdefault(key, {})[metric] = float(value)
    return series


def balanced(counts):
    return counts["gateway_otlp_spans_produced_total"] == sum(
        counts[f"gateway_otlp_spans_{kind}_total"] for kind in ("sent", "failed", "dropped", "rejected")) + counts["gateway_otlp_queue_spans"]


def test_the_exposition_with_exporters_passes_promtool(exported):
    promtool = shutil.which("promtool")
    assert promtool, "Debian's prometheus package is needed; scripts/test.sh installs it"
    text = get(exported["urls"]["admin"] + "/metrics", ADMIN_TOKEN)
    assert 'gateway_otlp_spans_sent_total{owner="acme",destination="acme-tempo"}' in text
    check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_self_metrics_account_for_every_span(exported):
    series = wait_until(lambda: (s := self_metrics(exported["urls"]["admin"])) and all(
        c["gateway_otlp_queue_spans"] == 0 for c in s.values()) and s, timeout=10)
    assert set(series) == {("platform", "platform"), ("acme", "acme-tempo"), ("globex", "globex-otel")}
    receiver = exported["receiver"]
    for (owner, _), counts in series.items():
        assert balanced(counts)
        prefix = "/" + owner
        assert counts["gateway_otlp_spans_sent_total"] == counts["gateway_otlp_spans_produced_total"] == len(receiver.spans(prefix))
        assert counts["gateway_otlp_metric_points_produced_total"] >= counts["gateway_otlp_metric_points_sent_total"] > 0
        assert counts["gateway_otlp_queue_capacity_spans"] == 8192
        assert counts["gateway_otlp_last_success_timestamp_seconds"] > time.time() - 60
