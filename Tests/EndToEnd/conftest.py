"""Starts a real `gateway serve` process for the end-to-end tests."""

import os
import re
import subprocess
import tempfile
import time

import pytest

KEY = "sk-gw-e2e-0123456789abcdef"


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


CONFIG = f"""
gateway:
  listen: 127.0.0.1:0
providers:
  - name: mock
    kind: mock
orgs:
  - id: acme
    projects:
      - id: chatbot
        routes:
          - model: gpt-4o-mini
            targets:
              - {{ provider: mock, model: mock-gpt }}
          - model: text-embedding-3-small
            targets:
              - {{ provider: mock, model: mock-embedding }}
        keys:
          - id: e2e
            sha256: "{_sha256(KEY)}"
"""


@pytest.fixture(scope="session")
def gateway_url():
    binary = os.environ.get("GATEWAY_BIN", ".build/debug/gateway")
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "gateway.yaml")
        with open(config, "w") as handle:
            handle.write(CONFIG)
        check = subprocess.run([binary, "check-config", config], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen(
            [binary, "serve", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            deadline = time.time() + 30
            url = None
            while time.time() < deadline and url is None:
                line = process.stdout.readline()
                match = re.search(r"^gateway listening on (http://\S+)", line)
                if match:
                    url = match.group(1)
            assert url, "the gateway did not report its address"
            yield url
        finally:
            process.terminate()
            assert process.wait(timeout=15) == 0, "the gateway must shut down cleanly on SIGTERM"
