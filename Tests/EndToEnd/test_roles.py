"""Split roles: a data-plane-only gateway and a collector that scrapes its ring over HTTP."""

import os

from conftest import ADMIN_TOKEN, ORG_TOKEN, start, stop
from test_telemetry import call, chat, get


def test_collector_scrapes_a_remote_gateway(binary, config_file):
    environment = dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN)
    gateway, gateway_urls = start(binary, config_file, "--role", "gateway", env=environment)
    try:
        collector, collector_urls = start(
            binary, config_file, "--role", "collector", "--scrape", gateway_urls["admin"], env=environment, roles=("admin",)
        )
        try:
            for _ in range(3):
                assert call(gateway_urls["gateway"] + "/v1/chat/completions", chat())[0] == 200
            assert call(gateway_urls["gateway"] + "/v1/chat/completions", chat(model="gpt-5"))[0] == 404
            # The gateway role serves its ring, not metrics; the collector serves the metrics.
            assert get(gateway_urls["admin"] + "/metrics", ADMIN_TOKEN)[0] == 404
            assert get(gateway_urls["admin"] + "/internal/telemetry", None)[0] == 401
            status, _, text = get(collector_urls["admin"] + "/telemetry/v1/orgs/acme/metrics", ORG_TOKEN)
            assert status == 200
            assert 'gateway_requests_total{org="acme",project="chatbot",model="gpt-4o-mini",status="200",gate="upstream"} 3' in text
            assert 'status="404",gate="routing"} 1' in text
            status, _, platform = get(collector_urls["admin"] + "/metrics", ADMIN_TOKEN)
            assert f'gateway_telemetry_records_written{{source="{gateway_urls["admin"]}"}} 4' in platform
        finally:
            stop(collector)
    finally:
        stop(gateway)
