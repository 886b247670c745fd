"""OTLP delivery end to end: the retry matrix (one destination per backend answer) and a backend
that is down for 30 s under steady load, with the exporter's self-metrics adding up exactly."""

import json
import os
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import ADMIN_TOKEN, free_port, read_addresses, stop
from otlp_receiver import Receiver, wait_until
from test_otlp import KEYS, _sha256, balanced, call, chat, get, self_metrics, serve

CASES = {
    "/r429": [("status", 429, {"Retry-After": "2"}), 200],
    "/r502": [502, 200],
    "/r503": [503, 200],
    "/r504": [504, 200],
    "/rdrop": ["drop", 200],
    "/r400": [400],
    "/r401": [401],
    "/r413": [413],
    "/rpartial": [("partial", 3)],
}


def config(destinations):
    return f"""
gateway:
  listen: 127.0.0.1:0
admin:
  listen: 127.0.0.1:0
  tokenEnv: E2E_ADMIN_TOKEN
observability:
  export:
    otlp:{destinations}
providers:
  - {{ name: mock, kind: mock }}
orgs:
  - id: acme
    projects:
      - id: chatbot
        routes:
          - {{ model: gpt-4o-mini, targets: [ {{ provider: mock, model: mock-gpt }} ] }}
        keys:
          - {{ id: app, sha256: "{_sha256(KEYS['app'])}" }}
"""


def destination(name, url, extra=""):
    return f"""
      - {{ name: {name}, endpoint: "{url}", signals: [traces]{extra} }}"""


def settled(admin_url, count):
    def check():
        series = self_metrics(admin_url)
        return series if len(series) == count and all(c["gateway_otlp_queue_spans"] == 0 for c in series.values()) else None

    return check


def test_retry_matrix(binary):
    receiver = Receiver()
    receiver.behaviour.update(CASES)
    process, urls = serve(binary, config("".join(destination(prefix[1:], receiver.url(prefix)) for prefix in CASES)))
    try:
        status, _, _ = call(urls["gateway"] + "/v1/chat/completions", chat())
        assert status == 200
        series = wait_until(settled(urls["admin"], len(CASES)), timeout=30)
        assert series, self_metrics(urls["admin"])
    finally:
        stop(process)
        receiver.stop()
    for prefix in CASES:
        counts = series[("platform", prefix[1:])]
        assert balanced(counts), prefix
        produced = counts["gateway_otlp_spans_produced_total"]
        assert produced >= 6, prefix  # root, five gates, the upstream exchange
        attempts = receiver.attempts[(prefix, "traces")]
        if prefix in ("/r400", "/r401", "/r413"):
            assert attempts == 1, (prefix, "never retried")
            assert counts["gateway_otlp_spans_failed_total"] == produced and counts["gateway_otlp_spans_sent_total"] == 0, prefix
            assert counts["gateway_otlp_retries_total"] == 0, prefix
        elif prefix == "/rpartial":
            assert attempts == 1, (prefix, "a partial success is not retried")
            assert counts["gateway_otlp_spans_rejected_total"] == 3, prefix
            assert counts["gateway_otlp_spans_sent_total"] == produced - 3, prefix
        else:
            assert attempts == 2, (prefix, "retried once, then accepted")
            assert counts["gateway_otlp_retries_total"] == 1, prefix
            assert counts["gateway_otlp_spans_sent_total"] == produced and counts["gateway_otlp_spans_failed_total"] == 0, prefix
    first, second = receiver.received("/r429")
    assert second.at - first.at >= 2.0, "Retry-After: 2 is honoured"
    # The retried batch is the same spans, once accepted.
    assert [s.span_id for s in first.message.resource_spans[0].scope_spans[0].spans] == [
        s.span_id for s in second.message.resource_spans[0].scope_spans[0].spans]


def test_a_backend_down_for_30_seconds_under_steady_load(binary):
    receiver = Receiver()
    port = receiver.port
    extra = ", queueSpans: {}"
    process, urls = serve(binary, config(
        destination("big", receiver.url("/big"), extra.format(200000)) + destination("small", receiver.url("/small"), extra.format(40))))
    sent = []
    try:
        receiver.stop()
        stopping = threading.Event()

        def load():
            while not stopping.is_set():
                status, headers, _ = call(urls["gateway"] + "/v1/chat/completions", chat(content=f"steady {len(sent)}"))
                assert status == 200
                sent.append(headers["x-request-id"])
                time.sleep(0.05)

        thread = threading.Thread(target=load)
        thread.start()
        time.sleep(30)
        stopping.set()
        thread.join()
        down = self_metrics(urls["admin"])
        assert down[("platform", "big")]["gateway_otlp_queue_spans"] > 0 and down[("platform", "big")]["gateway_otlp_spans_sent_total"] == 0
        assert down[("platform", "small")]["gateway_otlp_spans_dropped_total"] > 0
        receiver.port = port
        receiver.start()
        series = wait_until(settled(urls["admin"], 2), timeout=60)
        assert series, self_metrics(urls["admin"])
    finally:
        stop(process)
        receiver.stop()
    assert len(sent) > 100
    big = series[("platform", "big")]
    spans = receiver.spans("/big")
    ids = [(s.trace_id, s.span_id) for s, _ in spans]
    assert len(ids) == len(set(ids)), "no span arrives twice"
    assert {s.trace_id.hex() for s, _ in spans} == set(sent), "every request arrives"
    assert big["gateway_otlp_spans_produced_total"] == big["gateway_otlp_spans_sent_total"] == len(spans)
    assert big["gateway_otlp_spans_dropped_total"] == big["gateway_otlp_spans_failed_total"] == 0
    small = series[("platform", "small")]
    assert balanced(small)
    assert small["gateway_otlp_spans_dropped_total"] > 0
    assert small["gateway_otlp_spans_sent_total"] == len(receiver.spans("/small"))


def test_graceful_shutdown_flushes_what_waits_within_its_bound(binary):
    receiver = Receiver()
    dead = f"http://127.0.0.1:{free_port()}/dead"
    process, urls = serve(binary, config(destination("live", receiver.url("/live")) + destination("dead", dead)))
    ids = []
    try:
        for index in range(20):
            status, headers, _ = call(urls["gateway"] + "/v1/chat/completions", chat(content=f"last words {index}"))
            assert status == 200
            ids.append(headers["x-request-id"])
    finally:
        started = time.monotonic()
        stop(process)  # SIGTERM at once: the traces are still in the ring or the queues
        took = time.monotonic() - started
        receiver.stop()
    assert took < 12, f"the final flush is bounded, even with a dead destination ({took:.1f} s)"
    assert {s.trace_id.hex() for s, _ in receiver.spans("/live")} == set(ids), "every trace was flushed at shutdown"


def test_a_collector_scraping_a_remote_gateway_exports_its_traces(binary):
    """The `collector` role exports what it scrapes: the platform destination of its own file, and
    each org's own destinations from the mapping the control plane supplies."""
    receiver = Receiver()
    org_export = f"""
    export:
      otlp:
        - {{ name: acme-tempo, endpoint: "{receiver.url('/acme')}", signals: [traces] }}"""
    text = config("").replace("    otlp:\n", "    otlp: []\n").replace("  - id: acme\n", "  - id: acme" + org_export + "\n")
    gateway, gateway_urls = serve(binary, text)
    collector = None
    try:
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "collector.yaml")
        with open(path, "w") as handle:
            handle.write(config(destination("platform", receiver.url("/platform"))))
        collector = subprocess.Popen(
            [binary, "serve", "--config", path, "--role", "collector", "--control-plane", gateway_urls["admin"], "--scrape", gateway_urls["admin"]],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN))
        read_addresses(collector, roles=("admin",))
        caller = "0af7651916cd43dd8448eb211c80319c"
        _, headers, _ = call(gateway_urls["gateway"] + "/v1/chat/completions", chat(), headers={"traceparent": f"00-{caller}-b7ad6b7169203331-01"})
        assert headers["x-request-id"] == caller
        assert wait_until(lambda: {s.trace_id.hex() for s, _ in receiver.spans("/platform")} == {caller}, timeout=20)
        explain = json.loads(get(gateway_urls["admin"] + f"/telemetry/v1/requests/{caller}", ADMIN_TOKEN))
        spans = receiver.spans("/platform")
        (root,) = [s for s, _ in spans if s.kind == 2]
        assert root.span_id.hex() == explain["rootSpanId"] and root.parent_span_id.hex() == "b7ad6b7169203331"
        assert sorted(s.span_id.hex() for s, _ in spans if s.kind == 1) == sorted(g["spanId"] for g in explain["gates"])
        # The org's destination hears from both collectors (the gateway's own and the remote one), each once.
        assert wait_until(lambda: len({r["service.instance.id"] for _, r in receiver.spans("/acme")}) == 2, timeout=20)
        assert len(receiver.spans("/acme")) == 2 * len(spans)
    finally:
        if collector:
            stop(collector)
        stop(gateway)
        receiver.stop()


def test_a_slow_backend_slows_neither_the_data_plane_nor_another_destination(binary):
    receiver = Receiver()
    receiver.behaviour["/slow"] = [("slow", 8)]
    process, urls = serve(binary, config(destination("slow", receiver.url("/slow"), ", timeoutSeconds: 30") + destination("fast", receiver.url("/fast"))))
    try:
        ids, took = [], []
        for round_index in range(3):
            for index in range(10):
                started = time.monotonic()
                status, headers, _ = call(urls["gateway"] + "/v1/chat/completions", chat(content=f"round {round_index} {index}"))
                took.append(time.monotonic() - started)
                assert status == 200
                ids.append(headers["x-request-id"])
            time.sleep(0.5)
        assert max(took) < 1.0, f"a request waited on the export ({max(took):.2f} s)"
        # The fast destination has every trace while the slow one is still on its first batch.
        assert wait_until(lambda: {s.trace_id.hex() for s, _ in receiver.spans("/fast")} == set(ids), timeout=5)
        assert len(receiver.received("/slow")) <= 1
    finally:
        stop(process)
        receiver.stop()
