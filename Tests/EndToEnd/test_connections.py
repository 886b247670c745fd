"""Connection limits end to end: a gateway with few descriptors, flooded with idle sockets, keeps
serving clients and its admin listener, and says so in /metrics."""

import os
import resource
import shutil
import socket
import subprocess
import time

import openai
import pytest

from conftest import ADMIN_TOKEN, KEY, read_addresses, stop

LIMIT = 256  # descriptors the gateway process may open (soft and hard)
FLOOD = 600  # idle sockets, more than the descriptors the gateway has
# A starved client would wait for the 30 s header timeout to free a descriptor; 2 s leaves room
# for this two-core machine's stalls under the flood (1.24 s was seen once) and still tells the two apart.
SERVED_WITHIN = 2.0


def _limit_descriptors():
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


@pytest.fixture
def small_gateway(binary, config_file, tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < FLOOD + 64:
        pytest.skip(f"this test needs {FLOOD + 64} descriptors for its own sockets; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    store = "sqlite:" + str(tmp_path / "store.sqlite")
    env = dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN)
    process = subprocess.Popen(
        [binary, "serve", "--config", config_file, "--store", store],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, preexec_fn=_limit_descriptors,
    )
    try:
        urls = read_addresses(process)
        yield urls
    finally:
        stop(process)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _flood(url, count):
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = socket.socket()
        sock.setblocking(False)
        try:
            sock.connect((host, int(port)))
        except BlockingIOError:
            pass
        sockets.append(sock)
    return sockets


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def _metrics(admin):
    import urllib.request

    request = urllib.request.Request(admin + "/metrics", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


def test_idle_flood_beyond_the_descriptor_limit(small_gateway):
    gateway, admin = small_gateway["gateway"], small_gateway["admin"]
    client = openai.OpenAI(base_url=gateway + "/v1", api_key=KEY, max_retries=0, timeout=5)
    sockets = _flood(gateway, FLOOD)
    try:
        time.sleep(1)  # the gateway accepts what it can; the kernel queues the rest
        for _ in range(5):
            answer, took = _timed(lambda: client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]))
            assert answer.choices[0].message.content
            assert took < SERVED_WITHIN, f"a normal client waited {took:.2f} s behind {FLOOD} idle sockets"
        text, took = _timed(lambda: _metrics(admin))
        assert took < SERVED_WITHIN, f"the admin listener took {took:.2f} s"
    finally:
        for sock in sockets:
            sock.close()
    time.sleep(0.5)
    text = _metrics(admin)
    shed = [line for line in text.splitlines() if line.startswith("gateway_connections_closed_total") and 'reason="shed"' in line]
    assert shed and float(shed[0].split()[-1]) > 0, "sockets closed for room are counted"
    assert any(line.startswith("gateway_connections_open{") for line in text.splitlines())
    promtool = shutil.which("promtool")
    assert promtool
    check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def short_timeouts(binary, tmp_path):
    """A gateway process of its own with 1 s header and idle timeouts."""
    from conftest import CONFIG

    config = tmp_path / "gateway.yaml"
    config.write_text(CONFIG.replace("  maxRequestBytes: 65536\n", "  maxRequestBytes: 65536\n  headerTimeoutSeconds: 1\n  idleTimeoutSeconds: 1\n"))
    store = "sqlite:" + str(tmp_path / "store.sqlite")
    process = subprocess.Popen(
        [binary, "serve", "--config", str(config), "--store", store],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN),
    )
    try:
        yield read_addresses(process)
    finally:
        stop(process)


def _closed(sockets, within):
    """How many of `sockets` the server closed within `within` seconds."""
    deadline = time.monotonic() + within
    closed = set()
    while len(closed) < len(sockets) and time.monotonic() < deadline:
        for sock in sockets:
            if sock in closed:
                continue
            try:
                while sock.recv(4096):
                    pass
                closed.add(sock)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(sock)
        time.sleep(0.02)
    return len(closed)


def test_slowloris_and_idle_sockets_are_closed_while_clients_are_served(short_timeouts):
    gateway, admin = short_timeouts["gateway"], short_timeouts["admin"]
    client = openai.OpenAI(base_url=gateway + "/v1", api_key=KEY, max_retries=0, timeout=5)
    slow = _flood(gateway, 200)
    idle = _flood(gateway, 300)
    try:
        for byte in b"POST /v1/":
            for sock in slow:
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    pass
            answer, took = _timed(lambda: client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]))
            assert answer.choices[0].message.content
            assert took < SERVED_WITHIN, f"a normal client waited {took:.2f} s beside slowloris and idle sockets"
            time.sleep(0.15)
        assert _closed(slow, 3) == len(slow), "slowloris connections outlived the header timeout"
        assert _closed(idle, 3) == len(idle), "silent connections outlived the header timeout"
    finally:
        for sock in slow + idle:
            sock.close()
    text = _metrics(admin)
    header = [line for line in text.splitlines() if line.startswith("gateway_connections_closed_total") and 'reason="header_timeout"' in line]
    assert header and float(header[0].split()[-1]) >= 500
