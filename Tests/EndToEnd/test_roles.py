"""Split roles on loopback: one control plane (PostgreSQL when GATEWAY_E2E_POSTGRES_URL is set,
else SQLite), two gateway replicas and one collector."""

import json
import os
import signal
import time

from conftest import ADMIN_TOKEN, KEY, ORG_TOKEN, free_port, start, stop, stop_all
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


def _unflushed(replica_admin):
    """A replica's spend not yet in the ledger, in USD, from its /metrics."""
    status, _, text = get(replica_admin + "/metrics", ADMIN_TOKEN)
    for line in text.splitlines() if status == 200 else []:
        if line.startswith("gateway_spend_unflushed_usd"):
            return float(line.split()[-1])
    return None


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
        # Unique ids keep the test repeatable on a store that outlives it.
        fresh_id, later_id = f"fresh-{time.time_ns()}", f"after-restart-{time.time_ns()}"
        created_at = time.monotonic()
        status, body = admin(control_url, "POST", ADMIN + "/keys", {"id": fresh_id})
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
        assert status == 200 and [key["id"] for key in body["keys"]] == [fresh_id]
        assert fresh not in json.dumps(body)

        # A revoked key stops working on both replicas.
        revoked_at = time.monotonic()
        assert admin(control_url, "POST", ADMIN + f"/keys/{fresh_id}/revoke")[0] == 200
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
        status, body = admin(control_url, "GET", ADMIN + f"/keys/{fresh_id}")
        assert status == 200 and body["status"] == "revoked"
        status, body = admin(control_url, "POST", ADMIN + "/keys", {"id": later_id})
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
        stop_all(processes)


def test_a_budget_shared_by_two_replicas_overshoots_by_at_most_one_sync_interval(binary, tmp_path):
    """Both replicas spend against one project budget as fast as they can. A replica's spend reaches
    the ledger at its next sync and the other replica reads it at its own next sync (every second
    each), so the overshoot is bounded by what the other replica spends in two sync intervals."""
    from concurrent.futures import ThreadPoolExecutor

    from test_money import CONFIG

    environment = dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN)
    config = tmp_path / "gateway.yaml"
    config.write_text(CONFIG.replace('usd: "0.0002"', 'usd: "0.01"'))
    store = os.environ.get("GATEWAY_E2E_POSTGRES_URL")
    store = (store.replace("gateway_e2e", "gateway_e2e_budget") if store else None) or "sqlite:" + str(tmp_path / "cp.sqlite")
    port = free_port()
    control_url = f"http://127.0.0.1:{port}"
    processes = []
    try:
        control, _ = start(
            binary, str(config), "--role", "control-plane", "--store", store, "--admin-listen", f"127.0.0.1:{port}",
            env=environment, roles=("admin",),
        )
        processes.append(control)
        replicas = []
        replica_admins = []
        for _ in range(2):
            process, urls = start(binary, str(config), "--role", "gateway", "--control-plane", control_url, env=environment)
            processes.append(process)
            replicas.append(urls["gateway"])
            replica_admins.append(urls["admin"])
        for replica in replicas:
            assert wait_for(lambda: get(replica + "/readyz", None)[0] == 200, 10) is not None
        # The store may hold this month's spend from an earlier run.
        assert admin(control_url, "POST", "/admin/v1/spend/reset", {"scope": "project/metered"})[0] == 200
        body = chat(content="hello there")[:-1] + ',"max_tokens":8}'
        # Each replica has read the reset from the ledger once it serves the project again.
        for replica in replicas:
            assert wait_for(lambda: call(replica + "/v1/chat/completions", body, key="sk-gw-spender-0123456789")[0] == 200, 10, 0.05) is not None

        results = {replica: {"served": 0, "cost": 0, "seconds": 0.0} for replica in replicas}

        def spend(replica):
            started = time.monotonic()
            refusals = 0
            while refusals < 20 and time.monotonic() - started < 60:
                status, _, text = call(replica + "/v1/chat/completions", body, key="sk-gw-spender-0123456789")
                if status == 200:
                    results[replica]["served"] += 1
                    results[replica]["seconds"] = time.monotonic() - started
                    refusals = 0
                else:
                    assert status == 429 and "budget_exceeded" in text, f"{replica} answered {status}: {text}"
                    refusals += 1
                    time.sleep(0.1)

        # Workers' failures are raised here, in the test, by result().
        with ThreadPoolExecutor(max_workers=len(replicas)) as pool:
            for future in [pool.submit(spend, replica) for replica in replicas]:
                future.result()
        # Every replica's last batch has reached the ledger once none holds unflushed spend.
        for replica_admin in replica_admins:
            assert wait_for(lambda: _unflushed(replica_admin) == 0, 10, 0.05) is not None, "a replica kept spend unflushed"
        status, body_view = admin(control_url, "GET", "/admin/v1/spend?scope=project/metered")
        spent = body_view["budgets"][0]["spentMicroUSD"]
        budget = 10_000
        served = sum(r["served"] for r in results.values())
        cost = spent / served
        fastest = max(r["served"] / r["seconds"] for r in results.values()) * cost  # micro-USD per second of one replica
        bound = fastest * 2.5  # two sync intervals of 1 s, plus round trips
        print(f"\nshared budget {budget} micro-USD, spent {spent} ({served} requests over 2 replicas); "
              f"overshoot {max(0, spent - budget)}, bound {bound:.0f} (one replica at {fastest:.0f} micro-USD/s for 2.5 s)")
        assert spent <= budget + bound
    finally:
        stop_all(processes)
