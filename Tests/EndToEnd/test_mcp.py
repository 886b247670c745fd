"""MCP through the gateway, end to end, with the official MCP Python SDK on both sides: a session
through `/mcp/{project}/{server}`, tool allow-lists, the tenant guard's matrix, sessions bound to
the key that opened them, and the upstream never seeing a client's key."""

import asyncio
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import pytest
from mcp import ClientSession
import httpx
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import McpError

from conftest import ADMIN_TOKEN, HEAD, _sha256, free_port, read_addresses, stop
from test_otlp import call

KEYS = {name: f"sk-gw-mcp-{name}-0123456789" for name in ("agent", "narrow", "chat", "limited", "careful")}
# The tenant matrix: three orgs, two projects each, one key each; every project has the same two servers.
TENANTS = {"acme": ["chatbot", "support"], "globex": ["shop", "warehouse"], "initech": ["lab", "ops"]}
MATRIX_KEYS = {project: f"sk-gw-mcp-{project}-0123456789" for projects in TENANTS.values() for project in projects}
HERE = os.path.dirname(os.path.abspath(__file__))
ACCEPT = "application/json, text/event-stream"


def config(upstream):
    servers = f"""
        mcpServers:
          - {{ name: files, url: "{upstream}/mcp", headersEnv: {{ authorization: FILES_MCP_TOKEN }}, tools: [echo, add, count] }}
          - {{ name: notes, url: "{upstream}/mcp" }}"""
    special = {
        "chatbot": f"""
          - {{ id: agent, sha256: "{_sha256(KEYS['agent'])}", scopes: [mcp] }}
          - {{ id: narrow, sha256: "{_sha256(KEYS['narrow'])}", mcpTools: ["files/echo", "files/count"] }}
          - {{ id: chat, sha256: "{_sha256(KEYS['chat'])}", scopes: [chat] }}
          - {{ id: limited, sha256: "{_sha256(KEYS['limited'])}", limits: {{ requestsPerMinute: 2 }} }}""",
    }
    text = HEAD + "orgs:"
    for org, projects in TENANTS.items():
        text += f"\n  - id: {org}\n    projects:"
        for project in projects:
            text += f"""
      - id: {project}{servers}
        keys:
          - {{ id: {project}-key, sha256: "{_sha256(MATRIX_KEYS[project])}" }}{special.get(project, "")}"""
        if org == "acme":
            text += f"""
      - id: guarded{servers}
        guardrails: {{ input: {{ secrets: block, pii: redact }} }}
        keys:
          - {{ id: careful, sha256: "{_sha256(KEYS['careful'])}" }}"""
    return text + "\n"


@pytest.fixture(scope="module")
def served(binary):
    port = free_port()
    upstream = subprocess.Popen([sys.executable, os.path.join(HERE, "mcp_server.py"), str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert json.loads(upstream.stdout.readline())["listening"] == port
    upstream_url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            urllib.request.urlopen(upstream_url + "/stats", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "gateway.yaml")
    with open(path, "w") as handle:
        handle.write(config(upstream_url))
    process = subprocess.Popen(
        [binary, "serve", "--config", path, "--store", "sqlite:" + os.path.join(folder, "store.sqlite")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN, FILES_MCP_TOKEN="Bearer files-upstream-secret"))
    try:
        urls = read_addresses(process)
        yield {"gateway": urls["gateway"], "admin": urls["admin"], "upstream": upstream_url, "binary": binary}
    finally:
        stop(process)
        upstream.terminate()
        upstream.wait(timeout=10)


def stats(served):
    with urllib.request.urlopen(served["upstream"] + "/stats", timeout=10) as response:
        return json.loads(response.read())


def post(url, message, key, session=None):
    headers = {"accept": ACCEPT, "mcp-protocol-version": "2025-06-18"}
    if session:
        headers["mcp-session-id"] = session
    return call(url, json.dumps(message), key=key, headers=headers)


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}


def raw_session(url, key):
    status, headers, body = post(url, INITIALIZE, key)
    assert status == 200, body
    session = headers["mcp-session-id"]
    status, _, _ = post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, key, session)
    assert status in (200, 202)
    return session


def messages(body):
    """The JSON-RPC messages of a JSON or SSE answer."""
    if body.lstrip().startswith("{"):
        return [json.loads(body)]
    return [json.loads(line[5:]) for line in body.splitlines() if line.startswith("data:")]


async def session_run(url, key, body):
    async with httpx.AsyncClient(headers={"authorization": f"Bearer {key}"}, timeout=30) as client:
        async with streamable_http_client(url, http_client=client) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await body(session)


def test_a_whole_session_through_the_gateway_with_the_official_sdk(served):
    url = served["gateway"] + "/mcp/chatbot/files"
    progress = []

    async def body(session):
        tools = await session.list_tools()
        echoed = await session.call_tool("echo", {"text": "hello through the gateway"})

        async def on_progress(value, total, message):
            progress.append((value, total, message))

        counted = await session.call_tool("count", {"n": 3}, progress_callback=on_progress)
        with pytest.raises(McpError) as refused:
            await session.call_tool("secret", {})
        return sorted(tool.name for tool in tools.tools), echoed, counted, refused.value

    names, echoed, counted, refused = asyncio.run(session_run(url, KEYS["agent"], body))
    assert names == ["add", "count", "echo"], "the project's list hides 'secret'"
    assert echoed.content[0].text == "hello through the gateway"
    assert counted.content[0].text == "counted to 3"
    assert [p[0] for p in progress] == [1, 2, 3], progress
    assert "may not call the tool 'secret'" in str(refused)
    seen = stats(served)
    assert "secret" not in seen["tool_calls"], "a hidden tool never reaches the server"
    assert set(seen["authorization"]) == {"Bearer files-upstream-secret"}, "the server sees its configured credential, never a client key"


def test_a_key_narrows_its_projects_tools(served):
    url = served["gateway"] + "/mcp/chatbot/files"

    async def body(session):
        tools = await session.list_tools()
        with pytest.raises(McpError):
            await session.call_tool("add", {"a": 1, "b": 2})
        return sorted(tool.name for tool in tools.tools)

    before = stats(served)["tool_calls"].count("add")
    assert asyncio.run(session_run(url, KEYS["narrow"], body)) == ["count", "echo"]
    assert stats(served)["tool_calls"].count("add") == before
    status, headers, text = post(url, {"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "add", "arguments": {}}},
                                 KEYS["narrow"], raw_session(url, KEYS["narrow"]))
    (message,) = messages(text)
    assert status == 200 and headers["x-gateway-gate"] == "tenant-guard"
    assert message["id"] == 9 and message["error"]["data"] == {"gate": "tenant-guard", "reason": "tool_not_allowed"}


def test_the_tenant_matrix_every_mismatch_is_the_same_403_and_never_reaches_the_server(served):
    gateway = served["gateway"]
    projects = [project for names in TENANTS.values() for project in names]
    before = stats(served)["requests"]
    refusals, matches = set(), 0
    for own, key in MATRIX_KEYS.items():
        for project in projects + ["ghost"]:
            for server in ("files", "notes"):
                status, headers, body = post(f"{gateway}/mcp/{project}/{server}", INITIALIZE, key)
                if project == own:
                    assert status == 200, (own, project, server, body)
                    matches += 1
                    continue
                assert status == 403 and headers["x-gateway-gate"] == "tenant-guard", (own, project, server, status, body)
                error = json.loads(body)["error"]
                refusals.add((error["code"], error["message"]))
    assert refusals == {("project_mismatch", "This key may not call the MCP servers of that project.")}, "every mismatch is the same 403"
    assert stats(served)["requests"] - before == matches, "no refused request reached the server"

    before = stats(served)["requests"]
    variants = ["/mcp/chatbot%2Ffiles", "/mcp/chatbot/files%2F", "/mcp/chatbot%252Ffiles/x", "/mcp//chatbot/files", "/mcp/chatbot//files",
                "/mcp/support/../chatbot/files", "/mcp/chatbot/files/", "/mcp/./chatbot/files", "/mcp/chatbot\\files/x",
                "/mcp/chatb%D0%BEt/files", "/mcp/chatbot/files?x=1", "/mcp/chatbot/files/extra"]
    for variant in variants:
        status, headers, body = post(gateway + variant, INITIALIZE, KEYS["agent"])
        assert status == 400 and headers["x-gateway-gate"] == "tenant-guard", (variant, status, body)
    status, headers, _ = post(gateway + "/mcp/CHATBOT/files", INITIALIZE, KEYS["agent"])
    assert status == 403 and headers["x-gateway-gate"] == "tenant-guard", "ids are compared exactly"
    status, headers, _ = post(gateway + "/mcp/chatbot/ghost", INITIALIZE, KEYS["agent"])
    assert status == 404 and headers["x-gateway-gate"] == "routing"
    status, headers, _ = post(gateway + "/mcp/chatbot/files", INITIALIZE, KEYS["chat"])
    assert status == 403 and headers["x-gateway-gate"] == "key-auth", "a key without the mcp scope"
    status, headers, _ = post(gateway + "/mcp/chatbot/files", INITIALIZE, None)
    assert status == 401 and headers["x-gateway-gate"] == "key-auth"
    assert stats(served)["requests"] == before, "no refused request reached the server"


def test_a_session_is_bound_to_the_key_project_and_server_that_opened_it(served):
    gateway = served["gateway"]
    url = gateway + "/mcp/chatbot/files"
    session = raw_session(url, KEYS["agent"])
    listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    assert post(url, listing, KEYS["agent"], session)[0] == 200
    before = stats(served)["requests"]
    for key, path in ((KEYS["narrow"], "/mcp/chatbot/files"), (MATRIX_KEYS["support"], "/mcp/support/files"),
                      (KEYS["agent"], "/mcp/chatbot/notes")):
        status, headers, body = post(gateway + path, listing, key, session)
        assert status == 403 and json.loads(body)["error"]["code"] == "session_mismatch", (key, path, body)
    assert post(url, listing, KEYS["agent"], "made-up-session")[0] == 403
    assert stats(served)["requests"] == before
    request = urllib.request.Request(url, method="DELETE", headers={"authorization": f"Bearer {KEYS['agent']}", "mcp-session-id": session})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 204)
    assert post(url, listing, KEYS["agent"], session)[0] == 403, "a deleted session is forgotten"


def test_every_mcp_request_is_a_trace_and_a_metric(served):
    url = served["gateway"] + "/mcp/chatbot/files"
    session = raw_session(url, KEYS["narrow"])
    status, headers, _ = post(url, {"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "x"}}},
                              KEYS["narrow"], session)
    assert status == 200
    echo_id = headers["x-request-id"]
    status, headers, _ = post(url, {"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": "secret", "arguments": {}}},
                              KEYS["narrow"], session)
    refused_id = headers["x-request-id"]
    admin = served["admin"]

    def explain(request_id):
        request = urllib.request.Request(admin + f"/telemetry/v1/requests/{request_id}", headers={"authorization": f"Bearer {ADMIN_TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError:
            return None

    deadline = time.time() + 10
    while time.time() < deadline and (explain(echo_id) is None or explain(refused_id) is None):
        time.sleep(0.1)
    served_view, refused_view = explain(echo_id), explain(refused_id)
    assert served_view["operation"] == "mcp" and served_view["mcp"] == {"server": "files", "method": "tools/call", "tool": "echo"}
    assert [g["gate"] for g in served_view["gates"]] == ["reconcile", "payload", "key-auth", "tenant-guard", "routing", "guardrails", "budget", "upstream"]
    assert refused_view["decidedBy"] == "tenant-guard" and refused_view["reason"] == "tool_not_allowed"
    assert refused_view["key"] == "narrow" and refused_view["project"] == "chatbot"
    explained = subprocess.run([served["binary"], "explain", refused_id, "--admin-url", admin], capture_output=True, text=True,
                               env=dict(os.environ, GATEWAY_ADMIN_TOKEN=ADMIN_TOKEN))
    assert explained.returncode == 0, explained.stderr
    assert "mcp server files  method tools/call  tool secret" in explained.stdout and "DENY   tenant-guard" in explained.stdout, explained.stdout
    request = urllib.request.Request(admin + "/metrics", headers={"authorization": f"Bearer {ADMIN_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    assert 'gateway_mcp_requests_total{org="acme",project="chatbot",server="files",method="tools/call",tool="echo",outcome="ok"}' in text
    assert 'tool="other",outcome="tool_not_allowed"}' in text, "a tool no list names is 'other'"
    assert 'gateway_mcp_requests_total{org="initech",project="lab",server="none",method="initialize",tool="none",outcome="project_mismatch"}' in text, \
        "a refusal is the key's own org's telemetry, never the project it tried"
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_server_stream_is_relayed(served):
    url = served["gateway"] + "/mcp/chatbot/files"
    session = raw_session(url, KEYS["agent"])
    connection = http.client.HTTPConnection(served["gateway"].removeprefix("http://"), timeout=10)
    connection.request("GET", "/mcp/chatbot/files", headers={"authorization": f"Bearer {KEYS['agent']}", "mcp-session-id": session,
                                                             "accept": "text/event-stream", "mcp-protocol-version": "2025-06-18"})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("content-type").startswith("text/event-stream")
    connection.close()
    connection = http.client.HTTPConnection(served["gateway"].removeprefix("http://"), timeout=10)
    connection.request("GET", "/mcp/chatbot/files", headers={"authorization": f"Bearer {MATRIX_KEYS['support']}", "mcp-session-id": session,
                                                             "accept": "text/event-stream"})
    assert connection.getresponse().status == 403, "another key may not read the session's stream"
    connection.close()


def test_the_keys_request_limit_applies_to_mcp(served):
    url = served["gateway"] + "/mcp/chatbot/files"
    before = stats(served)["requests"]
    answers = [post(url, INITIALIZE, KEYS["limited"]) for _ in range(3)]
    assert [a[0] for a in answers] == [200, 200, 429]
    status, headers, body = answers[2]
    assert headers["x-gateway-gate"] == "budget" and json.loads(body)["error"]["code"] == "rate_limit_requests" and int(headers["retry-after"]) > 0
    assert stats(served)["requests"] - before == 2


def test_a_tools_arguments_pass_the_guardrails_like_a_prompt(served):
    url = served["gateway"] + "/mcp/guarded/files"
    session = raw_session(url, KEYS["careful"])
    before = stats(served)["tool_calls"].count("echo")
    status, headers, text = post(url, {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                                       "params": {"name": "echo", "arguments": {"text": "my key is AKIAIOSFODNN7EXAMPLE"}}}, KEYS["careful"], session)
    (message,) = messages(text)
    assert status == 200 and headers["x-gateway-gate"] == "guardrails"
    assert message["error"]["data"] == {"gate": "guardrails", "reason": "secret_detected"} and "AKIA" not in text
    assert stats(served)["tool_calls"].count("echo") == before, "a blocked call never reaches the server"
    status, _, text = post(url, {"jsonrpc": "2.0", "id": 4, "method": "tools/call",
                                 "params": {"name": "echo", "arguments": {"text": "mail jane.doe@example.com today"}}}, KEYS["careful"], session)
    (message,) = messages(text)
    echoed = message["result"]["content"][0]["text"]
    assert status == 200 and "jane.doe@example.com" not in echoed and echoed.startswith("mail ") and echoed.endswith(" today"), echoed
