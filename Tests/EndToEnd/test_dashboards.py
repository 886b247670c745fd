"""The Grafana dashboards in dashboards/, proven against a real Prometheus.

Two Debian `prometheus` servers scrape one running gateway every second: the platform's on
`/metrics` with the admin token, and a tenant's on `/telemetry/v1/orgs/acme/metrics` with acme's
org token. After traffic for two orgs through every gate, every query of every panel and every
variable runs through Prometheus's HTTP API and must succeed with a non-empty, finite result.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

from conftest import ADMIN_TOKEN, HEAD, _sha256, free_port, start, stop
from otlp_receiver import Receiver
from test_telemetry import call, chat, get

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FOLDER = os.path.join(ROOT, "dashboards")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import dashboards as generator  # noqa: E402

TENANT_DASHBOARDS = ("usage.json", "stopped.json", "latency.json")
ACME_TOKEN = "acme-telemetry-token"
GLOBEX_TOKEN = "globex-telemetry-token"
KEYS = {name: f"sk-gw-dash-{name}-0123456789" for name in ("app", "tight", "broke", "globex")}
SUBSTITUTIONS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h", "$org": "acme", "$project": ".*", "$model": ".*", "$source": ".*"}

CONFIG = HEAD + f"""orgs:
  - id: acme
    telemetryTokenSha256: [ "{_sha256(ACME_TOKEN)}" ]
    budget: {{ usd: 1000, period: monthly }}
    projects:
      - id: chatbot
        guardrails: {{ input: {{ secrets: block, pii: monitor }} }}
        budget: {{ usd: 100, period: monthly }}
        limits: {{ requestsPerMinute: 1000, tokensPerMinute: 1000000 }}
        routes:
          - model: gpt-4o-mini
            targets: [ {{ provider: mock, model: mock-gpt }} ]
          - model: text-embedding-3-small
            targets: [ {{ provider: mock, model: mock-embedding }} ]
          - model: broken-model
            targets: [ {{ provider: down, model: gpt-4o }} ]
        keys:
          - {{ id: app, sha256: "{_sha256(KEYS['app'])}", budget: {{ usd: 10, period: daily }} }}
          - {{ id: tight, sha256: "{_sha256(KEYS['tight'])}", limits: {{ requestsPerMinute: 1 }} }}
          - {{ id: broke, sha256: "{_sha256(KEYS['broke'])}", budget: {{ usd: "0.000001", period: daily }} }}
  - id: globex
    telemetryTokenSha256: [ "{_sha256(GLOBEX_TOKEN)}" ]
    projects:
      - id: search
        budget: {{ usd: 50, period: weekly }}
        limits: {{ tokensPerMinute: 500000 }}
        routes:
          - model: gpt-4o
            targets: [ {{ provider: mock, model: mock-gpt }} ]
        keys:
          - {{ id: svc, sha256: "{_sha256(KEYS['globex'])}" }}
"""


def load_dashboards():
    return {name: json.load(open(os.path.join(FOLDER, name))) for name in sorted(os.listdir(FOLDER)) if name.endswith(".json")}


def targets(dashboard):
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel, target


def variable_queries(dashboard):
    return [v for v in dashboard["templating"]["list"] if v["type"] == "query"]


def substitute(text, values=SUBSTITUTIONS):
    for name in sorted(values, key=len, reverse=True):  # $__range before $__rate_interval is harmless; longest first is safe
        text = text.replace(name, values[name])
    return text


# ---- lint: no server needed -------------------------------------------------------------------


def test_committed_dashboards_are_what_the_generator_writes():
    rendered = generator.render()
    for name, text in rendered.items():
        with open(os.path.join(FOLDER, name)) as handle:
            assert handle.read() == text, f"dashboards/{name} is stale: run scripts/dashboards.py"
    assert set(load_dashboards()) == set(rendered)


def test_dashboards_lint():
    boards = load_dashboards()
    assert set(boards) == {"usage.json", "stopped.json", "latency.json", "health.json"}
    uids = [board["uid"] for board in boards.values()]
    assert len(uids) == len(set(uids)), "every dashboard has its own uid"
    for name, board in boards.items():
        assert board["schemaVersion"] >= 39, name
        ids = [panel["id"] for panel in board["panels"]]
        assert len(ids) == len(set(ids)), f"{name}: panel ids repeat"
        variables = board["templating"]["list"]
        assert variables[0]["type"] == "datasource" and variables[0]["query"] == "prometheus", f"{name}: no datasource variable"
        text = json.dumps(board["panels"]) + json.dumps([v.get("definition", "") for v in variables] + [v.get("datasource") for v in variables])
        for variable in variables:
            used = "$" + variable["name"] in text or "${" + variable["name"] + "}" in text
            assert used, f"{name}: variable {variable['name']} is declared but never used"
        for variable in variable_queries(board):
            assert variable["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, f"{name}: {variable['name']}"
            assert variable["definition"].startswith("label_values("), f"{name}: {variable['name']}"
        for panel in board["panels"]:
            if panel["type"] == "text":
                continue
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, f"{name}: panel {panel['title']} hard-codes its datasource"
            assert panel["targets"], f"{name}: panel {panel['title']} has no query"
            for target in panel["targets"]:
                assert target["datasource"] == panel["datasource"], f"{name}: {panel['title']}"
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24, f"{name}: {panel['title']} runs off the grid"
        if name in TENANT_DASHBOARDS:
            names = [v["name"] for v in variables]
            assert names[:3] == ["datasource", "org", "project"], f"{name}: {names}"


# ---- against Prometheus ----------------------------------------------------------------------


class Prometheus:
    """A Debian `prometheus` server on a loopback port, scraping one target every second."""

    def __init__(self, binary, target, path, token, folder):
        self.port = free_port()
        config = os.path.join(folder, "prometheus.yml")
        with open(config, "w") as handle:
            handle.write(f"""
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: gateway
    metrics_path: {path}
    authorization:
      type: Bearer
      credentials: {token}
    static_configs:
      - targets: ["{target}"]
""")
        self.process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={os.path.join(folder, 'data')}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("prometheus did not become ready in 30 s: " + self.process.stderr.read())

    def api(self, path, **parameters):
        query = urllib.parse.urlencode(parameters, doseq=True)
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/{path}?{query}", timeout=10) as response:
            answer = json.load(response)
        assert answer["status"] == "success", answer
        return answer["data"]

    def query(self, expr):
        try:
            return self.api("query", query=expr)["result"]
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{expr}: {error.read().decode()}") from None

    def label_values(self, definition):
        """Grafana's `label_values(selector, label)` through the series API."""
        inner = definition[len("label_values("):-1]
        selector, label = inner.rsplit(",", 1)
        series = self.api("series", **{"match[]": [selector.strip()]})
        return sorted({item[label.strip()] for item in series if label.strip() in item})

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def drive(url):
    """One round of traffic for both orgs through every gate; returns the statuses by org."""
    chat_url, embeddings_url = url + "/v1/chat/completions", url + "/v1/embeddings"
    streamed = json.dumps({"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "tell me more"}]})
    acme = [
        call(chat_url, chat(content="hello there"), key=KEYS["app"]),
        call(chat_url, chat(content="a longer question about costs"), key=KEYS["app"]),
        call(chat_url, streamed, key=KEYS["app"]),
        call(embeddings_url, json.dumps({"model": "text-embedding-3-small", "input": "embed me"}), key=KEYS["app"]),
        call(chat_url, "{not json", key=KEYS["app"]),
        call(chat_url, chat(content="x" * 70000), key=KEYS["app"]),
        call(chat_url, chat(model="gpt-5"), key=KEYS["app"]),
        call(chat_url, chat(model="broken-model"), key=KEYS["app"]),
        call(chat_url, chat(), key=KEYS["tight"]),
        call(chat_url, chat(), key=KEYS["tight"]),
        call(chat_url, chat(), key=KEYS["broke"]),
        call(chat_url, chat(content="my key is AKIAIOSFODNN7EXAMPLE"), key=KEYS["app"]),
    ]
    globex = [
        call(chat_url, chat(model="gpt-4o", content="hola"), key=KEYS["globex"]),
        call(chat_url, json.dumps({"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "más"}]}), key=KEYS["globex"]),
        call(chat_url, chat(model="gpt-4o-mini"), key=KEYS["globex"]),
    ]
    unattributed = [call(chat_url, chat(), key="sk-gw-unknown")]
    return [r[0] for r in acme], [r[0] for r in globex], [r[0] for r in unattributed]


@pytest.fixture(scope="module")
def scraped(binary):
    prometheus = shutil.which("prometheus")
    assert prometheus, "Debian's prometheus package is needed; scripts/test.sh installs it"
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "gateway.yaml")
        receiver = Receiver()  # the health dashboard's OTLP panels need a destination
        endpoint = receiver.url("/otlp")
        export = f'observability:\n  export:\n    otlp:\n      - {{ name: platform, endpoint: "{endpoint}", metricsIntervalSeconds: 1 }}\n'
        with open(config, "w") as handle:
            handle.write(CONFIG.replace("providers:\n", export + "providers:\n", 1))
        gateway, urls = start(binary, config, "--store", "sqlite:" + os.path.join(folder, "store.sqlite"),
                              env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN))
        servers = []
        try:
            admin = urls["admin"].removeprefix("http://")
            os.makedirs(os.path.join(folder, "platform"))
            os.makedirs(os.path.join(folder, "tenant"))
            servers.append(Prometheus(prometheus, admin, "/metrics", ADMIN_TOKEN, os.path.join(folder, "platform")))
            servers.append(Prometheus(prometheus, admin, "/telemetry/v1/orgs/acme/metrics", ACME_TOKEN, os.path.join(folder, "tenant")))
            platform, tenant = servers
            # Two rounds a few scrapes apart: the first makes every series, the second moves each
            # one, so rates are non-zero and quantiles are numbers.
            first = drive(urls["gateway"])
            assert first[0] == [200, 200, 200, 200, 400, 413, 404, 503, 200, 429, 429, 403], first
            assert first[1] == [200, 200, 404] and first[2] == [401], first
            wait_for(platform, "sum(gateway_requests_total)", 16)
            time.sleep(3)
            second = drive(urls["gateway"])
            assert second[0][-4:] == [429, 429, 429, 403], second
            total, acme_total = 2 * 16, 2 * 10  # the 400 and the 413 come before key-auth: unattributed
            wait_for(platform, "sum(gateway_requests_total)", total)
            wait_for(tenant, 'sum(gateway_requests_total)', acme_total)
            time.sleep(2.5)  # two more scrapes of the final values
            yield {"platform": platform, "tenant": tenant, "admin": urls["admin"]}
        finally:
            for server in servers:
                server.stop()
            stop(gateway)
            receiver.stop()


def wait_for(prometheus, expr, value, timeout=30):
    deadline = time.time() + timeout
    seen = None
    while time.time() < deadline:
        result = prometheus.query(expr)
        seen = float(result[0]["value"][1]) if result else None
        if seen == value:
            return
        time.sleep(0.25)
    raise AssertionError(f"{expr} was {seen}, not {value}, after {timeout} s")


def assert_answers(prometheus, name, panel, expr):
    result = prometheus.query(substitute(expr))
    assert result, f"{name}: panel '{panel}' returned nothing for {substitute(expr)}"
    values = [float(item["value"][1]) for item in result]
    assert any(math.isfinite(value) for value in values), f"{name}: panel '{panel}' returned only {values}"


def test_every_panel_answers_on_the_platform_prometheus(scraped):
    for name, board in load_dashboards().items():
        for panel, target in targets(board):
            assert_answers(scraped["platform"], name, panel["title"], target["expr"])
        for variable in variable_queries(board):
            values = scraped["platform"].label_values(substitute(variable["definition"]))
            assert values, f"{name}: variable {variable['name']} has no values"
    orgs = scraped["platform"].label_values("label_values(gateway_requests_total, org)")
    assert orgs == ["acme", "globex", "unattributed"]


def test_tenant_dashboards_answer_on_an_org_scoped_prometheus_with_that_org_alone(scraped):
    tenant = scraped["tenant"]
    for name in TENANT_DASHBOARDS:
        board = load_dashboards()[name]
        for panel, target in targets(board):
            assert_answers(tenant, name, panel["title"], target["expr"])
        for variable in variable_queries(board):
            assert tenant.label_values(substitute(variable["definition"])), f"{name}: variable {variable['name']} has no values"
    assert tenant.label_values("label_values(gateway_requests_total, org)") == ["acme"]
    assert tenant.label_values("label_values(gateway_budget_limit_usd, org)") == ["acme"]
    assert tenant.query('count({__name__=~"gateway_.+", org!="acme"})') == [], "the tenant's Prometheus saw another org's series"


def test_usage_total_cost_equals_the_usage_api(scraped):
    board = load_dashboards()["usage.json"]
    (expr,) = [t["expr"] for p, t in targets(board) if p["title"] == "Cost in range"]
    status, _, body = get(scraped["admin"] + "/telemetry/v1/orgs/acme/usage", ACME_TOKEN)
    assert status == 200, body
    api_usd = float(json.loads(body)["total"]["costUSD"])
    assert api_usd > 0
    for server in ("platform", "tenant"):
        (sample,) = scraped[server].query(substitute(expr))
        assert abs(float(sample["value"][1]) - api_usd) < 1e-6, (server, sample, api_usd)


def test_budget_and_rate_limit_series_match_the_configuration(scraped):
    platform = scraped["platform"]
    limits = {(s["metric"]["scope"], s["metric"]["project"], s["metric"]["key"], s["metric"]["period"]): float(s["value"][1])
              for s in platform.query('gateway_budget_limit_usd{org="acme"}')}
    assert limits == {("org", "none", "none", "monthly"): 1000.0, ("project", "chatbot", "none", "monthly"): 100.0,
                      ("key", "chatbot", "app", "daily"): 10.0, ("key", "chatbot", "broke", "daily"): 0.000001}
    spent = {s["metric"]["scope"]: float(s["value"][1]) for s in platform.query('gateway_budget_spent_usd{org="acme", key=~"none|app"}')}
    assert spent["org"] > 0 and spent["org"] == spent["project"], spent
    used = platform.query('gateway_rate_limit_used{org="acme", key="tight", unit="requests"}')
    assert [float(s["value"][1]) for s in used] == [1.0], "the tight key's one admitted request is in its minute"
    assert platform.query('gateway_rate_limit_per_minute{org="globex", unit="tokens"}')[0]["value"][1] == "500000"


def test_the_new_series_pass_promtool_on_both_endpoints(scraped):
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian's prometheus package) is needed; scripts/test.sh installs it"
    for path, token in (("/metrics", ADMIN_TOKEN), ("/telemetry/v1/orgs/acme/metrics", ACME_TOKEN)):
        status, _, text = get(scraped["admin"] + path, token)
        assert status == 200 and "gateway_budget_spent_usd{" in text and "gateway_rate_limit_used{" in text, path
        check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
        assert check.returncode == 0, path + ": " + check.stdout + check.stderr
