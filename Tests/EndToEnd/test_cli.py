"""The kubectl-style CLI over the admin API, against the module's running gateway."""

import json
import os
import subprocess
import time

from conftest import ADMIN_TOKEN
from test_telemetry import call, chat


def cli(binary, admin_url, *arguments, expect=0):
    result = subprocess.run(
        [binary, *arguments, "--admin-url", admin_url, "--token-env", "E2E_ADMIN_TOKEN"],
        capture_output=True, text=True, env=dict(os.environ, E2E_ADMIN_TOKEN=ADMIN_TOKEN), timeout=30,
    )
    assert result.returncode == expect, result.stderr
    return result


def eventually(predicate, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_cli_manages_orgs_projects_routes_and_keys(binary, gateway):
    admin, url = gateway["admin"], gateway["gateway"]
    scope = ("--org", "cli-org", "--project", "cli-project")
    cli(binary, admin, "orgs", "create", "cli-org")
    cli(binary, admin, "projects", "create", "cli-project", "--org", "cli-org")
    cli(binary, admin, "routes", "create", "gpt-4o-mini", "--target", "mock:mock-gpt", *scope)
    created = json.loads(cli(binary, admin, "keys", "create", "ci", *scope, "--output", "json").stdout)
    key = created["key"]
    assert eventually(lambda: call(url + "/v1/chat/completions", chat(), key=key)[0] == 200)

    lister = json.loads(cli(binary, admin, "keys", "create", "lister", "--scope", "models", *scope, "--output", "json").stdout)["key"]
    assert eventually(lambda: call(url + "/v1/models", None, key=lister, method="GET")[0] == 200)
    status, _, body = call(url + "/v1/chat/completions", chat(), key=lister)
    assert status == 403 and json.loads(body)["error"]["code"] == "key_scope_missing"

    table = cli(binary, admin, "keys", "list", *scope, "--prefix", key[:12]).stdout
    assert table.splitlines()[0].split() == ["ID", "PREFIX", "STATUS", "SCOPES", "CREATED", "EXPIRES"]
    assert " active " in table and " all " in table and key not in table
    assert " models " in cli(binary, admin, "keys", "list", *scope).stdout
    orgs = json.loads(cli(binary, admin, "orgs", "list", "--output", "json").stdout)["orgs"]
    assert {"id": "cli-org", "projects": ["cli-project"]}.items() <= next(o for o in orgs if o["id"] == "cli-org").items()

    cli(binary, admin, "keys", "revoke", "ci", *scope)
    assert eventually(lambda: call(url + "/v1/chat/completions", chat(), key=key)[0] == 401)

    # Errors from the admin API reach the operator with their status and message.
    failed = cli(binary, admin, "orgs", "delete", "cli-org", expect=1)
    assert "409" in failed.stderr and "delete its projects first" in failed.stderr
    cli(binary, admin, "projects", "delete", "cli-project", "--org", "cli-org")
    cli(binary, admin, "orgs", "delete", "cli-org")
    assert "cli-org" not in cli(binary, admin, "orgs", "list").stdout


def test_apply_is_declarative_and_idempotent(binary, gateway, tmp_path):
    from conftest import CONFIG

    admin = gateway["admin"]
    path = tmp_path / "gateway.yaml"
    path.write_text(CONFIG + "  - id: applied-org\n")
    first = cli(binary, admin, "apply", "-f", str(path)).stdout
    assert "created  org/applied-org" in first
    assert cli(binary, admin, "apply", "-f", str(path)).stdout.strip() == "ACTION  OBJECT  VERSION\nno changes"
    path.write_text(CONFIG)
    assert "deleted  org/applied-org" in cli(binary, admin, "apply", "-f", str(path)).stdout
    path.write_text(CONFIG + "  - id: bad org\n")
    assert "not a valid id" in cli(binary, admin, "apply", "-f", str(path), expect=1).stderr
