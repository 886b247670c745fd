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


# Listeners on free ports, the admin token from E2E_ADMIN_TOKEN, the mock provider and one that is down.
HEAD = """
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
"""

CONFIG = HEAD + f"""orgs:
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


def read_addresses(process, roles=("gateway", "admin"), timeout=30):
    """The URLs a started `gateway serve` reports, by listener; fails after `timeout` seconds
    even when the process prints nothing. A thread reads the output so that no read blocks the test."""
    import queue
    import threading

    lines = queue.Queue()
    process.output_lines = []  # everything it printed, for tests that read more than the addresses

    def pump():
        for line in process.stdout:
            process.output_lines.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.time() + timeout
    urls = {}
    while len(urls) < len(roles):
        try:
            line = lines.get(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        if line is None:
            break
        match = re.search(r"^(gateway|admin) listening on (http://\S+)", line)
        if match:
            urls[match.group(1)] = match.group(2)
    if len(urls) < len(roles):
        process.kill()
        process.wait(timeout=15)
        raise AssertionError(f"the gateway did not report its addresses within {timeout} s")
    return urls


def start(binary, config, *arguments, env=None, roles=("gateway", "admin")):
    """Starts `gateway serve`; returns the process and the URLs it reported, by listener."""
    process = subprocess.Popen(
        [binary, "serve", "--config", config, *arguments], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    return process, read_addresses(process, roles)



def stop(process):
    process.terminate()
    try:
        code = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()  # never leave a process behind, even when the test fails
        process.wait(timeout=15)
        raise AssertionError("the gateway did not shut down within 15 s of SIGTERM")
    assert code == 0, "the gateway must shut down cleanly on SIGTERM"


def stop_all(processes):
    """Stops every process, newest first, even when one of them fails to stop."""
    failures = []
    for process in reversed(processes):
        try:
            stop(process)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "; ".join(failures)


@pytest.fixture(scope="module")
def config_file():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "gateway.yaml")
        with open(path, "w") as handle:
            handle.write(CONFIG)
        yield path


@pytest.fixture(scope="module")
def binary():
    return os.environ.get("GATEWAY_BIN", ".build/debug/gateway")


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gateway(binary, config_file):
    check = subprocess.run([binary, "check-config", config_file], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    store = "sqlite:" + os.path.join(os.path.dirname(config_file), "store.sqlite")
    process, urls = start(binary, config_file, "--store", store, env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN))
    try:
        yield urls
    finally:
        stop(process)
