"""Split roles on loopback: one control plane (PostgreSQL when GATEWAY_E2E_POSTGRES_URL is set,
else SQLite), two gateway replicas and one collector."""

import json
import os
import signal
import time

from conftest import ADMIN_TOKEN, KEY, ORG_TOKEN, free_port, start, stop
from test_telemetry import call, chat, get

ADMIN = "/admin/v1/orgs/acme/projects/chatbot"


def wait_for(predicate, timeout, step=0.005):
    """Seconds until `predicate()` held, or None after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    return None


def admin(control_plane, method, path, body=None):
    status, _, text = call(control_plane + path, None if body is None else json.dumps(body), key=ADMIN_TOKEN, method=method)
    return status, json.loads(text) if text else None


def accepted(replica, key):
    return call(replica + "/v1/chat/completions", chat(), key=key)[0] == 200


def test_control_plane_two_replicas_and_a_collector(binary, config_file, tmp_path):
    environment = dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN)
    store = os.environ.get("GATEWAY_E2E_POSTGRES_URL") or "sqlite:" + str(tmp_path / "control-plane.sqlite")
    port = free_port()
    control_url = f"http://127.0.0.1:{port}"
    control_args = ("--role", "control-plane", "--store", store, "--admin-listen", f"127.0.0.1:{port}")
    follow = ("--control-plane", control_url)
    processes = []
    try:
        # A replica started before its control plane refuses traffic from the reconcile gate.
        first, first_urls = start(binary, config_file, "--role", "gateway", *follow, env=environment)
        processes.append(first)
        status, headers, _ = call(first_urls["gateway"] + "/v1/chat/completions", chat())
        assert (status, headers.get("x-gateway-gate")) == (503, "reconcile")
        assert get(first_urls["gateway"] + "/readyz", None)[0] == 503

        control, _ = start(binary, config_file, *control_args, env=environment, roles=("admin",))
        processes.append(control)
        assert wait_for(lambda: get(first_urls["gateway"] + "/readyz", None)[0] == 200, 10) is not None
        assert accepted(first_urls["gateway"], KEY)

        second, second_urls = start(binary, config_file, "--role", "gateway", *follow, env=environment)
        processes.append(second)
        replicas = [first_urls["gateway"], second_urls["gateway"]]
        collector, collector_urls = start(
            binary, config_file, "--role", "collector", *follow, "--scrape", f"{first_urls['admin']},{second_urls['admin']}",
            env=environment, roles=("admin",),
        )
        processes.append(collector)
        assert wait_for(lambda: accepted(second_urls["gateway"], KEY), 10) is not None

        # A key made through the admin API works on both replicas; measure how soon.
        created_at = time.monotonic()
        status, body = admin(control_url, "POST", ADMIN + "/keys", {"id": "fresh"})
        assert status == 201, body
        fresh = body["key"]
        assert fresh.startswith("sk-gw-") and body["details"]["prefix"] == fresh[:12]
        latencies = []
        for replica in replicas:
            assert wait_for(lambda: accepted(replica, fresh), 5) is not None, "the new key never reached " + replica
            latencies.append(time.monotonic() - created_at)
        print(f"\nkey creation to first accepted request: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)}")
        assert max(latencies) < 5

        # Listing never shows the secret; the prefix finds the key.
        status, body = admin(control_url, "GET", ADMIN + "/keys?prefix=" + fresh[:10])
        assert status == 200 and [key["id"] for key in body["keys"]] == ["fresh"]
        assert fresh not in json.dumps(body)

        # A revoked key stops working on both replicas.
        revoked_at = time.monotonic()
        assert admin(control_url, "POST", ADMIN + "/keys/fresh/revoke")[0] == 200
        for replica in replicas:
            assert wait_for(lambda: call(replica + "/v1/chat/completions", chat(), key=fresh)[0] == 401, 5) is not None
        print(f"revocation to refusal on both replicas: {(time.monotonic() - revoked_at) * 1000:.0f} ms")
        status, headers, text = call(replicas[1] + "/v1/chat/completions", chat(), key=fresh)
        assert headers.get("x-gateway-gate") == "key-auth" and "revoked" in text

        # Killing the control plane leaves both replicas serving their last snapshot.
        control.send_signal(signal.SIGKILL)
        control.wait(timeout=10)
        processes.remove(control)
        for replica in replicas:
            assert accepted(replica, KEY)
            assert get(replica + "/readyz", None)[0] == 200
            assert call(replica + "/v1/chat/completions", chat(), key=fresh)[0] == 401

        # Restarted, it has lost nothing, and the replicas follow it again.
        control, _ = start(binary, config_file, *control_args, env=environment, roles=("admin",))
        processes.append(control)
        status, body = admin(control_url, "GET", ADMIN + "/keys/fresh")
        assert status == 200 and body["status"] == "revoked"
        status, body = admin(control_url, "POST", ADMIN + "/keys", {"id": "after-restart"})
        assert status == 201
        for replica in replicas:
            assert wait_for(lambda: accepted(replica, body["key"]), 10) is not None

        # The collector shows both replicas' traffic, tagged with the org from the control plane.
        def org_requests():
            status, _, text = get(collector_urls["admin"] + "/telemetry/v1/orgs/acme/metrics", ORG_TOKEN)
            if status != 200:
                return 0
            prefix = 'gateway_requests_total{org="acme",project="chatbot",model="gpt-4o-mini",status="200",gate="upstream"} '
            return sum(int(float(line[len(prefix):])) for line in text.splitlines() if line.startswith(prefix))

        assert wait_for(lambda: org_requests() >= 6, 10, step=0.1) is not None
        status, _, platform = get(collector_urls["admin"] + "/metrics", ADMIN_TOKEN)
        for urls in (first_urls, second_urls):
            assert f'gateway_telemetry_records_written{{source="{urls["admin"]}"}}' in platform
        assert "gateway_config_version " in platform

        # Each replica reports the version it follows.
        status, _, metrics = get(first_urls["admin"] + "/metrics", ADMIN_TOKEN)
        assert status == 200 and "gateway_config_reconcile_failures_total" in metrics
    finally:
        for process in reversed(processes):
            stop(process)
