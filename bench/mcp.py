#!/usr/bin/env python3
"""Overhead of the MCP front door: `tools/call` round trips to an MCP server (the official SDK's,
Tests/EndToEnd/mcp_server.py) directly and through the gateway (release build), one keep-alive
connection each, alternating rounds. Prints p50 and p99 of both and the difference.

    python3 bench/mcp.py [--calls 2000] [--rounds 3]
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BINARY = os.path.join(ROOT, ".build", "release", "gateway")
KEY = "sk-gw-bench-mcp-0123456789"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(connection, path, message, session=None, key=None):
    headers = {"content-type": "application/json", "accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18"}
    if session:
        headers["mcp-session-id"] = session
    if key:
        headers["authorization"] = f"Bearer {key}"
    connection.request("POST", path, body=json.dumps(message), headers=headers)
    response = connection.getresponse()
    body = response.read()
    assert response.status in (200, 202), (response.status, body)
    return response.getheader("mcp-session-id"), body


def run(port, path, key, calls):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    session, _ = post(connection, path, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}, key=key)
    post(connection, path, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session, key)
    times = []
    for index in range(calls):
        started = time.perf_counter()
        _, body = post(connection, path, {"jsonrpc": "2.0", "id": index + 1, "method": "tools/call",
                                          "params": {"name": "echo", "arguments": {"text": "ping"}}}, session, key)
        times.append((time.perf_counter() - started) * 1e6)
        assert b"ping" in body
    connection.close()
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "gateway"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    mcp_port, gateway_port = free_port(), free_port()
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests", "EndToEnd", "mcp_server.py"), str(mcp_port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    server.stdout.readline()
    folder = tempfile.mkdtemp(prefix="gateway-mcp-bench-")
    config = os.path.join(folder, "gateway.yaml")
    with open(config, "w") as handle:
        handle.write(f"""
gateway:
  listen: 127.0.0.1:{gateway_port}
admin:
  listen: 127.0.0.1:{free_port()}
providers:
  - {{ name: mock, kind: mock }}
orgs:
  - id: bench
    projects:
      - id: load
        mcpServers:
          - {{ name: files, url: "http://127.0.0.1:{mcp_port}/mcp", tools: [echo] }}
        keys:
          - {{ id: bench, sha256: "{hashlib.sha256(KEY.encode()).hexdigest()}" }}
""")
    gateway = subprocess.Popen([BINARY, "serve", "--config", config, "--store", "sqlite:" + os.path.join(folder, "store.sqlite")],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        while not re.match(r"^gateway listening", gateway.stdout.readline()):
            pass
        time.sleep(1)
        run(mcp_port, "/mcp", None, 200)  # warm up both paths
        run(gateway_port, "/mcp/load/files", KEY, 200)
        rows = []
        for round_index in range(args.rounds):
            direct = run(mcp_port, "/mcp", None, args.calls)
            proxied = run(gateway_port, "/mcp/load/files", KEY, args.calls)
            rows.append((direct, proxied))
            print(f"round {round_index + 1}: direct p50 {direct[0]:.0f} us p99 {direct[1]:.0f} us; "
                  f"gateway p50 {proxied[0]:.0f} us p99 {proxied[1]:.0f} us; added p50 {proxied[0] - direct[0]:.0f} us", flush=True)
        added = statistics.median(p[0] - d[0] for d, p in rows)
        print(f"median added latency of a tools/call through the gateway, p50: {added:.0f} us (target: at most 1000 us)")
    finally:
        gateway.terminate()
        gateway.wait(timeout=15)
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
