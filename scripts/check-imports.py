#!/usr/bin/env python3
"""Checks the module boundaries of DESIGN.md section 3 against the sources.

Every module a file imports must be a declared dependency of its target (Package.swift), and a
target may import only the project modules, and none of the banned products, listed below.
Exits non-zero naming each violation.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SYSTEM = {"Foundation", "Glibc", "Synchronization", "Testing", "Dispatch"}
OURS = {"Telemetry", "WireJSON", "Guardrails", "GatewayModel", "ControlPlane", "ControlPlaneClient", "Gateway", "Collector", "TestSupport"}
DRIVERS = {"PostgresNIO", "SQLiteNIO", "Yams"}
SERVERS_AND_CLIENTS = {"Hummingbird", "HummingbirdCore", "AsyncHTTPClient", "NIOPosix", "NIOHTTP1"}
# target: (project modules it may import, products it must not import)
RULES = {
    "Telemetry": (set(), DRIVERS | SERVERS_AND_CLIENTS),
    "WireJSON": (set(), DRIVERS | SERVERS_AND_CLIENTS),
    "Guardrails": (set(), DRIVERS | SERVERS_AND_CLIENTS),
    "GatewayModel": ({"Telemetry", "WireJSON", "Guardrails"}, DRIVERS | SERVERS_AND_CLIENTS),
    "ControlPlane": ({"GatewayModel", "WireJSON", "Guardrails"}, set()),
    "ControlPlaneClient": ({"GatewayModel"}, DRIVERS),
    "Gateway": ({"Telemetry", "GatewayModel", "Guardrails", "WireJSON"}, DRIVERS),
    "Collector": ({"Telemetry", "GatewayModel", "WireJSON"}, DRIVERS),
    "TelemetryTests": ({"Telemetry"}, DRIVERS),
    "WireJSONTests": ({"WireJSON"}, DRIVERS),
    "GuardrailsTests": ({"Guardrails", "TestSupport"}, DRIVERS),
    "GatewayTests": ({"Gateway", "Telemetry", "GatewayModel", "Guardrails", "WireJSON", "TestSupport"}, DRIVERS),
    "CollectorTests": ({"Collector", "Telemetry", "GatewayModel", "WireJSON", "TestSupport"}, DRIVERS),
    "ControlPlaneClientTests": ({"ControlPlaneClient", "GatewayModel", "TestSupport"}, DRIVERS),
    "TestSupport": (set(), DRIVERS),
}
IMPORT = re.compile(r"\s*(?:@\w+\s+)?(?:(?:public|package|internal)\s+)?import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?(\w+)")


def main() -> int:
    package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], cwd=ROOT, stderr=subprocess.DEVNULL))
    problems = []
    for target in package["targets"]:
        name = target["name"]
        folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
        declared = set()
        for dependency in target["dependencies"]:
            for kind in ("byName", "product", "target"):
                if kind in dependency:
                    declared.add(dependency[kind][0])
        allowed, banned = RULES.get(name, (OURS, set()))
        for base, _, files in os.walk(os.path.join(ROOT, folder)):
            for file in sorted(files):
                if not file.endswith(".swift"):
                    continue
                path = os.path.relpath(os.path.join(base, file), ROOT)
                for number, line in enumerate(open(os.path.join(base, file), encoding="utf-8"), 1):
                    match = IMPORT.match(line)
                    if not match:
                        continue
                    module = match.group(1)
                    where = f"{path}:{number}"
                    if module in SYSTEM:
                        continue
                    if module not in declared:
                        problems.append(f"{where}: imports {module}, which target {name} does not declare in Package.swift")
                    if module in OURS and module not in allowed:
                        problems.append(f"{where}: target {name} may not import {module} (DESIGN.md section 3)")
                    if module in banned:
                        problems.append(f"{where}: target {name} may not import {module} (DESIGN.md section 3)")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
