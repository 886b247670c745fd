#!/usr/bin/env python3
"""Writes the Grafana dashboards in dashboards/ from the definitions below.

Run it after changing a panel: `scripts/dashboards.py`. The end-to-end test
Tests/EndToEnd/test_dashboards.py fails when the committed JSON differs from what this writes,
and runs every query of every panel against a Prometheus that scraped a real gateway.
"""

import json
import os
import sys

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
SCHEMA_VERSION = 39
FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dashboards")


def in_range(metric, selector):
    """What a counter added during the dashboard's time range, exactly: the last value less the
    value at the range's start (0 for a series that appeared within the range). increase() would
    extrapolate to the range's edges and miss what a series counted before its first scrape."""
    series = f"{metric}{{{selector}}}"
    return f"({series} - ({series} offset $__range or {series} * 0))"


def rate(metric, selector):
    return f"rate({metric}{{{selector}}}[$__rate_interval])"


def quantile(q, metric, selector, by=""):
    group = f"le, {by}" if by else "le"
    return f"histogram_quantile({q}, sum by ({group}) ({rate(metric + '_bucket', selector)}))"


class Dashboard:
    def __init__(self, uid, title, description, variables):
        self.uid, self.title, self.description = uid, title, description
        self.variables = variables
        self.panels = []
        self.x = self.y = self.row_height = 0

    def panel(self, kind, title, targets, unit=None, width=12, height=8, description="", options=None, field_config=None):
        if self.x + width > 24:
            self.x, self.y = 0, self.y + self.row_height
            self.row_height = 0
        defaults = dict(field_config or {})
        if unit:
            defaults["unit"] = unit
        panel = {
            "id": len(self.panels) + 1,
            "type": kind,
            "title": title,
            "description": description,
            "datasource": DATASOURCE,
            "gridPos": {"h": height, "w": width, "x": self.x, "y": self.y},
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": options or {},
            "targets": [
                {"refId": chr(ord("A") + index), "datasource": DATASOURCE, "expr": expr, "legendFormat": legend,
                 **({"instant": True, "format": "table"} if kind in ("table", "bargauge", "stat") else {"range": True})}
                for index, (expr, legend) in enumerate(targets)
            ],
        }
        self.panels.append(panel)
        self.x += width
        self.row_height = max(self.row_height, height)

    def text(self, title, content, width=24, height=4):
        if self.x + width > 24:
            self.x, self.y = 0, self.y + self.row_height
            self.row_height = 0
        self.panels.append({
            "id": len(self.panels) + 1, "type": "text", "title": title, "gridPos": {"h": height, "w": width, "x": self.x, "y": self.y},
            "options": {"mode": "markdown", "content": content},
        })
        self.x += width
        self.row_height = max(self.row_height, height)

    def json(self):
        return {
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": ["ai-gateway"],
            "schemaVersion": SCHEMA_VERSION,
            "version": 1,
            "editable": True,
            "graphTooltip": 1,
            "time": {"from": "now-6h", "to": "now"},
            "refresh": "30s",
            "timezone": "",
            "annotations": {"list": []},
            "links": [
                {"type": "dashboards", "tags": ["ai-gateway"], "asDropdown": True, "title": "Gateway dashboards",
                 "includeVars": True, "keepTime": True}
            ],
            "templating": {"list": self.variables},
            "panels": self.panels,
        }


def datasource_variable():
    return {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus", "current": {},
            "hide": 0, "refresh": 1, "regex": "", "options": [], "includeAll": False, "multi": False}


def query_variable(name, label, definition, all_value=True):
    variable = {"name": name, "label": label, "type": "query", "datasource": DATASOURCE, "definition": definition,
                "query": {"query": definition, "refId": f"{name}-variable", "qryType": 1}, "refresh": 2, "sort": 1,
                "hide": 0, "regex": "", "current": {}, "options": [], "multi": False, "includeAll": all_value}
    if all_value:
        variable["allValue"] = ".*"
    return variable


TENANT = [
    datasource_variable(),
    query_variable("org", "Org", "label_values(gateway_requests_total, org)"),
    query_variable("project", "Project", 'label_values(gateway_requests_total{org=~"$org"}, project)'),
    query_variable("model", "Model", 'label_values(gateway_requests_total{org=~"$org", project=~"$project"}, model)'),
]
ORG = 'org=~"$org"'
SCOPE = 'org=~"$org", project=~"$project"'
SERIES = 'org=~"$org", project=~"$project", model=~"$model"'
CAPPED = 'org=~"$org", project=~"($project)|none"'  # org-wide budgets carry project="none"
STOPPED = SCOPE + ', status=~"[45].."'
STOPPING = SCOPE + ', decision!="pass"'
CLIENT_ERRORS = SCOPE + ', status=~"4.."'
SERVER_ERRORS = SCOPE + ', status=~"5.."'


def usage():
    board = Dashboard("ai-gateway-usage", "AI gateway: usage and cost",
                      "Requests, tokens and cost per org, project and model; budgets against their limits; rate-limit headroom.", TENANT)
    board.panel("stat", "Requests in range", [(f"sum({in_range('gateway_requests_total', SERIES)})", "requests")], unit="short", width=6, height=5)
    board.panel("stat", "Cost in range", [(f"sum({in_range('gateway_cost_usd_total', SERIES)})", "USD")], unit="currencyUSD", width=6, height=5,
                description="Exact: the counter's difference over the range, from integer micro-USD per request.")
    board.panel("stat", "Tokens in range", [(f"sum by (type) ({in_range('gateway_tokens_total', SERIES)})", "{{type}}")], unit="short", width=12, height=5)
    board.panel("timeseries", "Cost by project (USD per hour)", [(f"sum by (project) ({rate('gateway_cost_usd_total', SERIES)}) * 3600", "{{project}}")],
                unit="currencyUSD")
    board.panel("timeseries", "Cost by model (USD per hour)", [(f"sum by (model) ({rate('gateway_cost_usd_total', SERIES)}) * 3600", "{{model}}")],
                unit="currencyUSD")
    board.panel("timeseries", "Requests per second by project", [(f"sum by (project) ({rate('gateway_requests_total', SERIES)})", "{{project}}")],
                unit="reqps")
    board.panel("timeseries", "Tokens per second by type", [(f"sum by (type) ({rate('gateway_tokens_total', SERIES)})", "{{type}}")], unit="short")
    board.panel("bargauge", "Top models by cost in range", [(f"topk(10, sum by (model) ({in_range('gateway_cost_usd_total', SERIES)}))", "{{model}}")],
                unit="currencyUSD", options={"orientation": "horizontal", "displayMode": "gradient"})
    board.panel("bargauge", "Budget spent of its limit",
                [(f"max by (scope, project, key, period) (gateway_budget_spent_usd{{{CAPPED}}})"
                  f" / max by (scope, project, key, period) (gateway_budget_limit_usd{{{CAPPED}}})", "{{scope}} {{project}} {{key}} ({{period}})")],
                unit="percentunit", options={"orientation": "horizontal", "displayMode": "gradient"},
                field_config={"min": 0, "max": 1, "thresholds": {"mode": "absolute", "steps": [
                    {"color": "green", "value": None}, {"color": "orange", "value": 0.8}, {"color": "red", "value": 0.95}]}})
    board.panel("table", "Budgets (USD)",
                [(f"max by (scope, project, key, period) (gateway_budget_spent_usd{{{CAPPED}}})", "spent"),
                 (f"max by (scope, project, key, period) (gateway_budget_reserved_usd{{{CAPPED}}})", "reserved"),
                 (f"max by (scope, project, key, period) (gateway_budget_limit_usd{{{CAPPED}}})", "limit")],
                unit="currencyUSD", description="Spent in the current period (every replica's, as of the last ledger exchange), held by requests in flight, and the limit.")
    board.panel("bargauge", "Rate-limit headroom (share of the minute left)",
                [(f"1 - max by (scope, project, key, unit) (gateway_rate_limit_used{{{CAPPED}}})"
                  f" / max by (scope, project, key, unit) (gateway_rate_limit_per_minute{{{CAPPED}}})", "{{scope}} {{project}} {{key}} {{unit}}")],
                unit="percentunit", options={"orientation": "horizontal", "displayMode": "gradient"},
                field_config={"min": 0, "max": 1, "thresholds": {"mode": "absolute", "steps": [
                    {"color": "red", "value": None}, {"color": "orange", "value": 0.1}, {"color": "green", "value": 0.25}]}},
                description="Per gateway process (rate windows are per process); the fullest process is shown.")
    return board


def stopped():
    board = Dashboard("ai-gateway-stopped", "AI gateway: why requests are stopped",
                      "Every gate decision by gate and reason: which gate stopped what, and why.", TENANT[:3])  # gate decisions carry no model
    board.panel("stat", "Share of requests stopped in range",
                [(f"sum({in_range('gateway_requests_total', STOPPED)}) / sum({in_range('gateway_requests_total', SCOPE)})",
                  "stopped")], unit="percentunit", width=6, height=5)
    board.panel("stat", "Requests stopped in range, by gate",
                [(f"sum by (gate) ({in_range('gateway_requests_total', STOPPED)})", "{{gate}}")], unit="short", width=18, height=5)
    board.panel("timeseries", "Decisions that stopped a request, by gate and reason",
                [(f"sum by (gate, reason) ({rate('gateway_gate_decisions_total', STOPPING)})", "{{gate}}: {{reason}}")], unit="reqps")
    board.panel("timeseries", "Share of traffic stopped, by gate",
                [(f"sum by (gate) ({rate('gateway_requests_total', STOPPED)})"
                  f" / ignoring(gate) group_left sum({rate('gateway_requests_total', SCOPE)})", "{{gate}}")], unit="percentunit")
    board.panel("bargauge", "Top reasons in range",
                [(f"topk(10, sum by (gate, reason) ({in_range('gateway_gate_decisions_total', STOPPING)}))", "{{gate}}: {{reason}}")],
                unit="short", options={"orientation": "horizontal", "displayMode": "gradient"})
    board.panel("table", "Status by deciding gate, in range",
                [(f"sum by (gate, status) ({in_range('gateway_requests_total', SCOPE)})", "requests")], unit="short")
    board.panel("timeseries", "4xx by gate", [(f"sum by (gate, status) ({rate('gateway_requests_total', CLIENT_ERRORS)})", "{{gate}} {{status}}")],
                unit="reqps")
    board.panel("timeseries", "5xx by gate", [(f"sum by (gate, status) ({rate('gateway_requests_total', SERVER_ERRORS)})", "{{gate}} {{status}}")],
                unit="reqps")
    board.panel("timeseries", "Guardrail findings by check and action",
                [(f"sum by (direction, check, action) ({rate('gateway_guardrail_findings_total', SCOPE)})", "{{direction}} {{check}}: {{action}}")],
                unit="short", width=24, description="Matches of the guardrail checks, blocked, redacted or only monitored; never their text.")
    board.text("Recent stopped requests",
               "Prometheus keeps counts, not requests. The gateway keeps each org's newest 1000 traces:\n\n"
               "- `GET /telemetry/v1/orgs/$org/requests?decision=deny` on the admin listener (org or platform token) lists recent denials;\n"
               "- `GET /telemetry/v1/orgs/$org/requests/{x-request-id}` or `gateway explain {x-request-id}` explains one: every gate, its decision, "
               "its reason and what to change.")
    return board


def latency():
    board = Dashboard("ai-gateway-latency", "AI gateway: latency",
                      "Request duration, time to first token, upstream and gate durations, and the request rate.", TENANT)
    board.panel("timeseries", "Request duration",
                [(quantile(q, "gateway_request_duration_seconds", SERIES), f"p{round(q * 100)}") for q in (0.5, 0.95, 0.99)], unit="s")
    board.panel("timeseries", "Time to first token (streams)",
                [(quantile(q, "gateway_time_to_first_token_seconds", SERIES), f"p{round(q * 100)}") for q in (0.5, 0.95, 0.99)], unit="s")
    board.panel("timeseries", "Upstream duration by provider (p50, p95)",
                [(quantile(q, "gateway_upstream_duration_seconds", ORG, by="provider"), f"{{{{provider}}}} p{round(q * 100)}") for q in (0.5, 0.95)],
                unit="s")
    board.panel("timeseries", "Gate duration by gate (p99)", [(quantile(0.99, "gateway_gate_duration_seconds", ORG, by="gate"), "{{gate}}")], unit="s")
    board.panel("timeseries", "Request rate by status", [(f"sum by (status) ({rate('gateway_requests_total', SERIES)})", "{{status}}")],
                unit="reqps", width=24)
    return board


def health():
    variables = [datasource_variable(), query_variable("source", "Telemetry source", "label_values(gateway_telemetry_scrapes_total, source)")]
    source = 'source=~"$source"'
    board = Dashboard("ai-gateway-health", "AI gateway: platform health",
                      "The telemetry pipeline, configuration reconcile, the spend ledger, the store, client connections and OTLP export (platform Prometheus only).",
                      variables)
    board.panel("timeseries", "Telemetry records written per second", [(f"sum by (source) (deriv(gateway_telemetry_records_written{{{source}}}[$__rate_interval]))", "{{source}}")],
                unit="short")
    board.panel("timeseries", "Records dropped and unattributed per second",
                [(f"sum by (source) ({rate('gateway_telemetry_records_dropped_total', source)})", "dropped {{source}}"),
                 (f"sum by (source) ({rate('gateway_telemetry_records_unattributed_total', source)})", "unattributed {{source}}")], unit="short")
    board.panel("timeseries", "Ring fill", [(f"max by (source) (gateway_telemetry_ring_fill_ratio{{{source}}})", "{{source}}")], unit="percentunit", width=8)
    board.panel("timeseries", "Scrape lag (records)", [(f"max by (source) (gateway_telemetry_scrape_lag_records{{{source}}})", "{{source}}")], unit="short", width=8)
    board.panel("timeseries", "Scrape failures per second", [(f"sum by (source) ({rate('gateway_telemetry_scrape_failures_total', source)})", "{{source}}")],
                unit="short", width=8)
    board.panel("stat", "Configuration version", [("max by (instance) (gateway_config_version)", "{{instance}}")], unit="none", width=6, height=5)
    board.panel("stat", "Seconds since the last reconcile", [("time() - max by (instance) (gateway_config_last_reconcile_timestamp_seconds)", "{{instance}}")],
                unit="s", width=6, height=5)
    board.panel("stat", "Reconcile failures in range", [(f"sum by (instance) ({in_range('gateway_config_reconcile_failures_total', '')})", "{{instance}}")],
                unit="short", width=6, height=5)
    board.panel("stat", "Store healthy", [("min by (instance) (gateway_store_healthy)", "{{instance}}")], unit="bool_yes_no", width=6, height=5)
    board.panel("timeseries", "Spend not yet in the ledger (lost by a crash now)", [("max by (instance) (gateway_spend_unflushed_usd)", "{{instance}}")],
                unit="currencyUSD")
    board.panel("timeseries", "Spend flush failures per second", [("sum by (instance) (rate(gateway_spend_flush_failures_total[$__rate_interval]))", "{{instance}}")],
                unit="short")
    board.panel("timeseries", "Client connections open", [(f"sum by (source) (gateway_connections_open{{{source}}})", "{{source}}")], unit="short")
    board.panel("timeseries", "Client connections closed by the gateway, by reason",
                [(f"sum by (reason) ({rate('gateway_connections_closed_total', source)})", "{{reason}}")], unit="short")
    destination = "{{owner}}/{{destination}}"
    board.panel("timeseries", "OTLP spans per second, by destination and outcome",
                [(f"sum by (owner, destination) ({rate(f'gateway_otlp_spans_{outcome}_total', '')})", f"{outcome} {destination}")
                 for outcome in ("sent", "failed", "dropped", "rejected")], unit="short",
                description="Sent, given up on (after retries, or refused), dropped from a full queue, rejected in a partial success.")
    board.panel("timeseries", "OTLP queue fill", [("max by (owner, destination) (gateway_otlp_queue_spans / gateway_otlp_queue_capacity_spans)", destination)],
                unit="percentunit", width=8)
    board.panel("timeseries", "Seconds since the last accepted OTLP export",
                [("time() - max by (owner, destination) (gateway_otlp_last_success_timestamp_seconds)", destination)], unit="s", width=8)
    board.panel("timeseries", "OTLP retries and metric points failed or rejected per second",
                [(f"sum by (owner, destination) ({rate('gateway_otlp_retries_total', '')})", f"retries {destination}"),
                 (f"sum by (owner, destination) ({rate('gateway_otlp_metric_points_failed_total', '')})", f"points failed {destination}"),
                 (f"sum by (owner, destination) ({rate('gateway_otlp_metric_points_rejected_total', '')})", f"points rejected {destination}")],
                unit="short", width=8)
    return board


DASHBOARDS = {"usage.json": usage, "stopped.json": stopped, "latency.json": latency, "health.json": health}


def render():
    """The file name and text of each dashboard."""
    return {name: json.dumps(build().json(), indent=2) + "\n" for name, build in DASHBOARDS.items()}


if __name__ == "__main__":
    for name, text in render().items():
        with open(os.path.join(FOLDER, name), "w") as handle:
            handle.write(text)
    sys.exit(0)
