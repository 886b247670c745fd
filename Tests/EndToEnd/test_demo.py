"""The README's first steps on the demo configuration: the printed key and platform token work at
once, and a second `gateway serve` beside the first stops with a clear message and changes nothing."""

import json
import os
import re
import subprocess
import time
import urllib.request

import pytest

from conftest import free_port, read_addresses, stop


def _printed(process, pattern, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for line in list(process.output_lines):
            match = re.search(pattern, line)
            if match:
                return match.group(1)
        time.sleep(0.05)
    raise AssertionError(f"the banner never printed {pattern}: {''.join(process.output_lines)}")


def _request(url, token, body=None):
    request = urllib.request.Request(url, data=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


@pytest.fixture
def demo(binary, tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "GATEWAY_ADMIN_TOKEN"}
    ports = (free_port(), free_port())
    arguments = ["--listen", f"127.0.0.1:{ports[0]}", "--admin-listen", f"127.0.0.1:{ports[1]}"]
    process = subprocess.Popen(
        [binary, "serve", *arguments], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    try:
        urls = read_addresses(process)
        key = _printed(process, r"demo API key \(new at every start\): (\S+)")
        token = _printed(process, r"made a platform admin token for this run \(new at every start\): (\S+)")
        yield dict(urls=urls, key=key, token=token, arguments=arguments, env=env, folder=tmp_path)
    finally:
        stop(process)


def test_the_printed_key_and_token_work_at_once(binary, demo):
    body = json.dumps({"model": "mock-gpt", "messages": [{"role": "user", "content": "Hello"}]}).encode()
    status, headers, _ = _request(demo["urls"]["gateway"] + "/v1/chat/completions", demo["key"], body)
    assert status == 200
    request_id = headers["x-request-id"]
    status, _, metrics = _request(demo["urls"]["admin"] + "/metrics", demo["token"])
    assert status == 200 and "gateway_requests_total" in metrics
    env = dict(demo["env"], GATEWAY_ADMIN_TOKEN=demo["token"])
    deadline = time.time() + 5
    while True:
        explained = subprocess.run(
            [binary, "explain", request_id, "--admin-url", demo["urls"]["admin"]], capture_output=True, text=True, env=env)
        if explained.returncode == 0 or time.time() > deadline:
            break
        time.sleep(0.1)
    assert explained.returncode == 0, explained.stderr
    assert request_id in explained.stdout


def test_a_second_serve_beside_the_first_stops_clearly_and_changes_nothing(binary, demo):
    second = subprocess.run(
        [binary, "serve", *demo["arguments"]], cwd=demo["folder"], capture_output=True, text=True, env=demo["env"], timeout=30)
    assert second.returncode != 0
    assert "cannot be bound" in second.stderr and "another gateway serve" in second.stderr, second.stderr
    assert "Illegal instruction" not in second.stderr
    # Another listener, same store: the store lock refuses it.
    third = subprocess.run(
        [binary, "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"],
        cwd=demo["folder"], capture_output=True, text=True, env=demo["env"], timeout=30)
    assert third.returncode != 0
    assert "in use by another gateway process" in third.stderr, third.stderr
    body = json.dumps({"model": "mock-gpt", "messages": [{"role": "user", "content": "Hello"}]}).encode()
    assert _request(demo["urls"]["gateway"] + "/v1/chat/completions", demo["key"], body)[0] == 200, "the first instance's key still works"
