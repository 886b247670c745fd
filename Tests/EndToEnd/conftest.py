"""Starts a real `gateway serve` process for the end-to-end tests."""

import os
import re
import subprocess
import tempfile
import time

import pytest

KEY = "sk-gw-e2e-0123456789abcdef"
ADMIN_TOKEN = "admin-e2e-token"
ORG_TOKEN = "org-e2e-token"


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


CONFIG = f"""
gateway:
  listen: 127.0.0.1:0
  maxRequestBytes: 65536
admin:
  listen: 127.0.0.1:0
  tokenEnv: E2E_ADMIN_TOKEN
providers:
  - name: mock
    kind: mock
  - name: down
    kind: openai
    baseURL: http://127.0.0.1:9/v1
    maxRetries: 1
    retryBackoffMilliseconds: 1
orgs:
  - id: acme
    telemetryTokenSha256: [ "{_sha256(ORG_TOKEN)}" ]
    projects:
      - id: chatbot
        routes:
          - model: gpt-4o-mini
            targets:
              - {{ provider: mock, model: mock-gpt }}
          - model: text-embedding-3-small
            targets:
              - {{ provider: mock, model: mock-embedding }}
          - model: broken-model
            targets:
              - {{ provider: down, model: gpt-4o }}
        keys:
          - id: e2e
            sha256: "{_sha256(KEY)}"
"""


@pytest.fixture(scope="module")
def gateway_url(gateway):
    return gateway["gateway"]


@pytest.fixture(scope="module")
def admin_url(gateway):
    return gateway["admin"]


@pytest.fixture(scope="module")
def gateway():
    binary = os.environ.get("GATEWAY_BIN", ".build/debug/gateway")
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "gateway.yaml")
        with open(config, "w") as handle:
            handle.write(CONFIG)
        check = subprocess.run([binary, "check-config", config], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        environment = dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN)
        process = subprocess.Popen(
            [binary, "serve", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment
        )
        try:
            deadline = time.time() + 30
            urls = {}
            while time.time() < deadline and len(urls) < 2:
                line = process.stdout.readline()
                match = re.search(r"^(gateway|admin) listening on (http://\S+)", line)
                if match:
                    urls[match.group(1)] = match.group(2)
            assert len(urls) == 2, "the gateway did not report its addresses"
            yield urls
        finally:
            process.terminate()
            assert process.wait(timeout=15) == 0, "the gateway must shut down cleanly on SIGTERM"
